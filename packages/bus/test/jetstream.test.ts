import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AckPolicy, DeliverPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { startNatsServer, type NatsServer } from '@shiriki/testing';
import {
  JetStreamConfigConflictError,
  connectBus,
  createSubjects,
  defaultStreams,
  ensureConsumer,
  ensureKv,
  ensureStream,
  type Bus,
} from '../src/index.js';
import { captureLogger } from './capture-logger.js';

const subjects = createSubjects('jstest');
let server: NatsServer;
let bus: Bus;

before(async () => {
  server = await startNatsServer({ jetstream: true });
  bus = await connectBus(
    { servers: [server.url] },
    { logger: captureLogger().logger, name: 'bus-jetstream-test' },
  );
});

after(async () => {
  await bus.drain();
  await server.dispose();
});

test('the default streams are accepted by the server and ensuring them twice changes nothing', async () => {
  const streams = defaultStreams(subjects, { eventsMaxAgeMs: 60_000 });
  for (const spec of [streams.frames, streams.events, streams.clips]) {
    assert.equal((await ensureStream(bus.jsm, spec)).action, 'created');
  }
  for (const spec of [streams.frames, streams.events, streams.clips]) {
    const again = await ensureStream(bus.jsm, spec);
    assert.equal(again.action, 'unchanged', `${spec.name} changed: ${again.changed.join(', ')}`);
  }
  const names: string[] = [];
  for await (const name of bus.jsm.streams.names()) names.push(name);
  assert.deepEqual(names.sort(), ['JSTEST_CLIPS', 'JSTEST_EVENTS', 'JSTEST_FRAMES']);

  const frames = await bus.jsm.streams.info('JSTEST_FRAMES');
  assert.equal(frames.config.retention, 'workqueue');
  assert.equal(frames.config.storage, 'memory');
  assert.deepEqual(frames.config.subjects, ['jstest.frames.>']);
});

test('ensureStream updates a changed max_age in place and refuses to change the storage type', async () => {
  const events = defaultStreams(subjects, { eventsMaxAgeMs: 60_000 }).events;
  await ensureStream(bus.jsm, events);
  await bus.js.publish(subjects.events('front', 'person'), '{}');

  const updated = await ensureStream(bus.jsm, { ...events, max_age: nanos(120_000) });
  assert.equal(updated.action, 'updated');
  assert.deepEqual(updated.changed, ['max_age']);
  const info = await bus.jsm.streams.info(events.name);
  assert.equal(info.config.max_age, nanos(120_000));
  assert.equal(info.state.messages, 1, 'an update must keep the stored messages');
  assert.equal((await ensureStream(bus.jsm, { ...events, max_age: nanos(120_000) })).action, 'unchanged');

  await assert.rejects(
    ensureStream(bus.jsm, { ...events, storage: StorageType.Memory }),
    (error: unknown) => error instanceof JetStreamConfigConflictError && error.fields.includes('storage'),
  );
});

test('ensureConsumer creates a durable once, then updates only what changed', async () => {
  const stream = defaultStreams(subjects).clips;
  await ensureStream(bus.jsm, stream);
  const spec = {
    durable_name: 'ui',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(30_000),
    max_deliver: 5,
  };
  assert.equal((await ensureConsumer(bus.jsm, stream.name, spec)).action, 'created');
  assert.equal((await ensureConsumer(bus.jsm, stream.name, spec)).action, 'unchanged');
  const updated = await ensureConsumer(bus.jsm, stream.name, { ...spec, max_deliver: 7 });
  assert.equal(updated.action, 'updated');
  assert.deepEqual(updated.changed, ['max_deliver']);
  assert.equal((await bus.jsm.consumers.info(stream.name, 'ui')).config.max_deliver, 7);

  const consumers: string[] = [];
  for await (const consumer of bus.jsm.consumers.list(stream.name)) consumers.push(consumer.name);
  assert.deepEqual(consumers, ['ui']);
  await assert.rejects(
    ensureConsumer(bus.jsm, stream.name, { ...spec, deliver_policy: DeliverPolicy.New }),
    JetStreamConfigConflictError,
  );
});

test('ensureKv is idempotent, keeps values and brings the TTL in line', async () => {
  const bucket = subjects.buckets.leases('test');
  const kv = await ensureKv(bus.js, bucket, { ttlMs: 10_000, history: 1 });
  await kv.put('camera.front', 'ingest-1');
  const again = await ensureKv(bus.js, bucket, { ttlMs: 10_000, history: 1 });
  assert.equal((await again.get('camera.front'))?.string(), 'ingest-1');

  await ensureKv(bus.js, bucket, { ttlMs: 20_000, history: 3 });
  const status = await again.status();
  assert.equal(status.ttl, 20_000);
  assert.equal(status.history, 3);
  assert.equal((await again.get('camera.front'))?.string(), 'ingest-1');

  const buckets: string[] = [];
  for await (const entry of bus.kvm.list()) buckets.push(entry.bucket);
  assert.deepEqual(buckets, [bucket]);
});
