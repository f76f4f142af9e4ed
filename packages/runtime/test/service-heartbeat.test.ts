import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ServiceStatusSchema,
  connectBus,
  createSubjects,
  decodeJson,
  type Bus,
  type ServiceStatus,
} from '@shiriki/bus';
import { ServiceLifecycle, createLogger } from '@shiriki/telemetry';
import { startNatsServer, type NatsServer } from '@shiriki/testing';
import { startServiceHeartbeat } from '@shiriki/runtime';

let nats: NatsServer;
let bus: Bus;
const logger = createLogger({ service: 'heartbeat-test', level: 'silent' });
const subjects = createSubjects('hb');

before(async () => {
  nats = await startNatsServer();
  bus = await connectBus({ servers: [nats.url] }, { logger, name: 'heartbeat-test' });
});
after(async () => {
  await bus?.drain();
  await nats?.dispose();
});

test('an instance announces itself, beats while running and says when it drains', async () => {
  const seen: ServiceStatus[] = [];
  const sub = bus.nc.subscribe(subjects.statusAll, {
    callback: (_error, msg) => void seen.push(decodeJson(ServiceStatusSchema, msg.data)),
  });
  await bus.nc.flush();
  let exitCode: number | undefined;
  const lifecycle = new ServiceLifecycle({ logger, graceMs: 2000, exit: (code) => (exitCode = code) });
  const heartbeat = startServiceHeartbeat({
    nc: bus.nc,
    subjects,
    service: 'detector',
    instance: 'host-1-abc',
    lifecycle,
    intervalMs: 100,
    busyRatio: () => (lifecycle.state === 'running' ? 0.25 : undefined),
  });
  lifecycle.onShutdown('heartbeat', () => heartbeat.stop());
  lifecycle.markRunning();
  await new Promise((resolve) => setTimeout(resolve, 350));
  await lifecycle.shutdown('test');
  await bus.nc.flush();
  sub.unsubscribe();
  assert.equal(exitCode, 0);
  assert.equal(seen[0]?.state, 'starting');
  const running = seen.filter((s) => s.state === 'running');
  assert.ok(running.length >= 3, `periodic beats while running, got ${running.length}`);
  assert.equal(
    seen.at(-1)?.state,
    'draining',
    'the last word is draining: stopped after the drain says nothing',
  );
  assert.equal(seen[0]?.busy_ratio, undefined, 'nothing to say before it runs');
  assert.ok(
    running.every((s) => s.busy_ratio === 0.25),
    'how busy it is travels with every beat',
  );
  for (const status of seen) {
    assert.equal(status.service, 'detector');
    assert.equal(status.instance, 'host-1-abc');
    assert.equal(status.started_at, seen[0]?.started_at);
  }
  const after = seen.length;
  await new Promise((resolve) => setTimeout(resolve, 250));
  assert.equal(seen.length, after, 'no beats after stop');
});
