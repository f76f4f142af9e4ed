import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import {
  startMosquitto,
  startNatsServer,
  freePort,
  sleep,
  type MosquittoServer,
  type NatsServer,
} from '@shiriki/testing';
import { connectBus } from '@shiriki/bus';
import type { FrigateEventMessage, ReviewMessage } from '@shiriki/mqtt';
import { createLogger } from '@shiriki/telemetry';
import {
  CAMERA,
  bridgeConfig,
  objectEvent,
  publishEvent,
  publishMotion,
  publishSnapshot,
  startBridge,
  startBridgeUnowned,
  subscriber,
} from './harness.js';

const FRIGATE_FIELDS = [
  'id',
  'camera',
  'label',
  'score',
  'top_score',
  'box',
  'area',
  'region',
  'current_zones',
  'entered_zones',
  'start_time',
  'end_time',
  'has_clip',
  'has_snapshot',
  'stationary',
];

/** The fields Home Assistant's MQTT integration documents as required (or one-of) per component. */
const REQUIRED: Record<string, string[][]> = {
  binary_sensor: [['state_topic']],
  sensor: [['state_topic']],
  image: [['image_topic', 'url_topic']],
  switch: [['command_topic']],
};

describe('MQTT bridge against mosquitto', () => {
  let nats: NatsServer;
  let broker: MosquittoServer;
  before(async () => {
    [nats, broker] = await Promise.all([startNatsServer(), startMosquitto()]);
  });
  after(async () => {
    await Promise.all([nats?.dispose(), broker?.dispose()]);
  });

  it("publishes events, reviews, counts, motion, snapshots and discovery in Frigate's layout", async () => {
    const sub = await subscriber(broker.url, ['shiriki/#', 'homeassistant/#']);
    const running = await startBridge(bridgeConfig(nats.url, broker));
    try {
      await sub.until('online', () => sub.texts('shiriki/available').includes('online'));
      publishMotion(running.bus, 'started', Date.now());
      const jpeg = await publishSnapshot(running.bus, 7);
      const snapshot = { frame_sequence: 7, score: 0.8 };
      const inPorch = { zones: ['porch'], entered_zones: ['porch'], snapshot };
      await publishEvent(running.bus, objectEvent('new', 'p1', 'person', 0, inPorch));
      await publishEvent(running.bus, objectEvent('new', 'd1', 'dog', 200));
      await publishEvent(
        running.bus,
        objectEvent('update', 'p1', 'person', 400, { ...inPorch, box: [120, 50, 200, 250] }),
      );
      // Objects stay a while; counts are state, and a value overtaken before the broker took it is not sent.
      await sub.until('two objects counted', () => sub.texts(`shiriki/${CAMERA}/all`).includes('2'));
      await publishEvent(running.bus, objectEvent('end', 'p1', 'person', 2000, { entered_zones: ['porch'] }));
      await publishEvent(running.bus, objectEvent('end', 'd1', 'dog', 2200));
      publishMotion(running.bus, 'ended', Date.now());

      await sub.until('five events', () => sub.on('shiriki/events').length === 5);
      const events = sub.json<FrigateEventMessage>('shiriki/events');
      assert.deepEqual(
        events.map((e) => `${e.type} ${e.after.label}`),
        ['new person', 'new dog', 'update person', 'end person', 'end dog'],
      );
      for (const event of events)
        for (const field of FRIGATE_FIELDS) assert.ok(field in event.after, `after.${field}`);
      const [created, , updated, ended] = events;
      assert.equal(created!.after.start_time, 1_800_000_000, 'epoch seconds, as Frigate');
      assert.deepEqual(created!.after.current_zones, ['porch']);
      assert.equal(created!.after.has_snapshot, true);
      assert.deepEqual(updated!.before.box, [100, 50, 180, 250], 'before is the previous message');
      assert.deepEqual(updated!.after.box, [120, 50, 200, 250]);
      assert.equal(ended!.after.end_time, 1_800_000_002);
      assert.deepEqual(ended!.after.current_zones, []);

      await sub.until('the review to end', () =>
        sub.json<ReviewMessage>('shiriki/reviews').some((r) => r.type === 'end'),
      );
      const reviews = sub.json<ReviewMessage>('shiriki/reviews');
      assert.deepEqual(
        reviews.map((r) => r.type),
        ['new', 'update', 'end'],
        'a person with a dog is one review',
      );
      assert.equal(new Set(reviews.map((r) => r.after.id)).size, 1);
      assert.deepEqual(reviews[2]!.after.data.objects, ['person', 'dog']);
      assert.deepEqual(reviews[2]!.after.data.detections, ['p1', 'd1']);
      assert.equal(reviews[2]!.after.severity, 'alert');

      const wentUpAndDown = (topic: string) => {
        const counts = sub.texts(topic);
        return counts.includes('1') && counts.at(-1) === '0';
      };
      await sub.until('counts back to 0', () => wentUpAndDown(`shiriki/${CAMERA}/person`));
      assert.ok(
        wentUpAndDown(`shiriki/${CAMERA}/porch/person`),
        sub.texts(`shiriki/${CAMERA}/porch/person`).join(),
      );
      assert.equal(sub.texts(`shiriki/${CAMERA}/all`).at(-1), '0');

      await sub.until('motion OFF', () => sub.texts(`shiriki/${CAMERA}/motion`).includes('OFF'));
      assert.deepEqual(sub.texts(`shiriki/${CAMERA}/motion`), ['ON', 'OFF']);

      const [sent] = sub.on(`shiriki/${CAMERA}/person/snapshot`);
      assert.ok(sent, 'a snapshot was published');
      assert.deepEqual(sent.payload, jpeg);
      assert.equal((await sharp(sent.payload).metadata()).format, 'jpeg');

      const discovery = sub.received.filter((m) => m.topic.startsWith('homeassistant/'));
      // motion, object count, four switches, and per tracked label (person, dog) occupancy and snapshot.
      assert.equal(discovery.length, 10);
      for (const message of discovery) {
        const [, component] = message.topic.split('/');
        const config = JSON.parse(message.payload.toString()) as Record<string, unknown>;
        for (const oneOf of REQUIRED[component!] ?? [['unknown component']])
          assert.ok(
            oneOf.some((field) => field in config),
            `${message.topic}: ${oneOf.join(' or ')}`,
          );
        for (const field of ['unique_id', 'name', 'device', 'availability_topic'])
          assert.ok(field in config, `${message.topic}: ${field}`);
        assert.equal(config['availability_topic'], 'shiriki/available');
        assert.deepEqual((config['device'] as { identifiers: string[] }).identifiers, [`shiriki_${CAMERA}`]);
      }
    } finally {
      await running.stop();
      await sub.close();
    }
    // Retained state for the next subscriber (Home Assistant after a restart).
    const late = await subscriber(broker.url, ['shiriki/#']);
    try {
      await late.until(
        'retained state',
        () =>
          late.on('shiriki/available').length > 0 && late.on(`shiriki/${CAMERA}/person/snapshot`).length > 0,
      );
      assert.deepEqual(late.texts('shiriki/available'), ['offline'], 'a bridge that stopped says so');
      assert.ok(late.on(`shiriki/${CAMERA}/person/snapshot`)[0]!.retain);
      assert.deepEqual(late.texts(`shiriki/${CAMERA}/person`), ['0']);
    } finally {
      await late.close();
    }
  });

  it('resumes after a restart without sending an event twice, and holds events while the broker is away', async () => {
    const sub = await subscriber(broker.url, ['shiriki/events']);
    let running = await startBridge(bridgeConfig(nats.url, broker));
    try {
      await publishEvent(running.bus, objectEvent('new', 'p2', 'person', 0));
      await sub.until('new', () => sub.on('shiriki/events').length === 1);
      await running.stop();
      // While no bridge runs: the events wait in JetStream.
      const publisher = await connectBus(
        { servers: [nats.url] },
        { logger: createLogger({ service: 'mqtt-test', level: 'warn' }), name: 'tracker-stand-in' },
      );
      await publishEvent(publisher, objectEvent('update', 'p2', 'person', 500));
      running = await startBridge(bridgeConfig(nats.url, broker), 'bridge-2');
      await sub.until('update', () => sub.on('shiriki/events').length === 2);

      // The broker goes away: events stay on the bus, unacknowledged, until it is back.
      await broker.stop();
      await publishEvent(publisher, objectEvent('end', 'p2', 'person', 3000));
      await sleep(1500);
      await broker.start();
      const again = await subscriber(broker.url, ['shiriki/events']);
      try {
        await again.until(
          'end after the broker is back',
          () => again.on('shiriki/events').length === 1,
          20_000,
        );
        const [ended] = again.json<FrigateEventMessage>('shiriki/events');
        assert.equal(ended!.type, 'end');
        await sleep(1000);
        assert.equal(again.on('shiriki/events').length, 1, 'nothing doubled after the reconnect');
      } finally {
        await again.close();
        await publisher.drain();
      }
      // The first subscriber reconnected too (mqtt.js resubscribes) and may or may not have caught the end.
      const types = sub.json<FrigateEventMessage>('shiriki/events').map((e) => e.type);
      assert.deepEqual(types.slice(0, 2), ['new', 'update'], 'the restart did not resend the new event');
      assert.equal(new Set(types).size, types.length, `no event twice: ${types.join()}`);
    } finally {
      await running.stop();
      await sub.close().catch(() => undefined);
    }
  });
});

describe('two bridge replicas', () => {
  it('publish each camera from one of them, and the other takes over when it stops', async () => {
    const [nats, broker] = await Promise.all([startNatsServer(), startMosquitto()]);
    try {
      const sub = await subscriber(broker.url, ['shiriki/events']);
      const config = bridgeConfig(nats.url, broker);
      const a = await startBridgeUnowned(config, 'replica-a');
      const b = await startBridgeUnowned(config, 'replica-b');
      const replicas = [a, b];
      const owners = () => replicas.filter((r) => r.bridge.ownedCameras().includes(CAMERA));
      // The two agree on who has the camera (a rebalance may move it once); then it stays put.
      await sub.until('one owner', () => owners().length === 1, 15_000);
      await sleep(3000);
      const [owner] = owners();
      assert.ok(owner && owners().length === 1, 'exactly one replica owns the camera');
      const other = owner === a ? b : a;
      try {
        await publishEvent(owner.bus, objectEvent('new', 'r1', 'person', 0));
        await sub.until('the event', () => sub.on('shiriki/events').length >= 1);
        await sleep(1000);
        assert.equal(sub.on('shiriki/events').length, 1, 'not doubled by the second replica');
        await owner.stop();
        await sub.until(
          'the other replica to own the camera',
          () => other.bridge.ownedCameras().length === 1,
          15_000,
        );
        await publishEvent(other.bus, objectEvent('end', 'r1', 'person', 5000));
        await sub.until('the end', () => sub.on('shiriki/events').length === 2);
        assert.deepEqual(
          sub.json<FrigateEventMessage>('shiriki/events').map((e) => e.type),
          ['new', 'end'],
        );
      } finally {
        await other.stop();
        await sub.close();
      }
    } finally {
      await Promise.all([nats.dispose(), broker.dispose()]);
    }
  });
});

describe("MQTT bridge against nats-server's MQTT listener", () => {
  it('serves as the broker when no other is configured', async () => {
    const mqttPort = await freePort();
    const nats = await startNatsServer({ mqttPort });
    const broker = { host: '127.0.0.1', port: mqttPort };
    try {
      const sub = await subscriber(`mqtt://127.0.0.1:${mqttPort}`, ['frigate/#']);
      // stats every 5 s, the shortest interval allowed
      const running = await startBridge(
        bridgeConfig(nats.url, broker, { topic_prefix: 'frigate', stats_interval_s: 5 }),
      );
      try {
        await sub.until('online', () => sub.texts('frigate/available').includes('online'));
        await publishEvent(running.bus, objectEvent('new', 'p3', 'person', 0));
        await sub.until('count 1', () => sub.texts(`frigate/${CAMERA}/person`).includes('1'));
        await publishEvent(running.bus, objectEvent('end', 'p3', 'person', 1000));
        await sub.until('new and end', () => sub.on('frigate/events').length === 2);
        assert.deepEqual(
          sub.json<FrigateEventMessage>('frigate/events').map((e) => e.type),
          ['new', 'end'],
        );
        await sub.until('count 1 -> 0', () => sub.texts(`frigate/${CAMERA}/person`).at(-1) === '0');
        await sub.until('stats', () => sub.on('frigate/stats').length > 0, 8000);
        const [stats] = sub.json<{ cameras: Record<string, { state: string }>; service: { uptime: number } }>(
          'frigate/stats',
        );
        assert.equal(stats!.cameras[CAMERA]?.state, 'unknown', 'no ingest runs here');
        assert.ok(stats!.service.uptime >= 4);
      } finally {
        await running.stop();
        await sub.close();
      }
    } finally {
      await nats.dispose();
    }
  });
});
