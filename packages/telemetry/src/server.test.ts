import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from 'prom-client';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { startTelemetryServer } from './server.js';
import { ServiceLifecycle } from './lifecycle.js';

const logger = createLogger({ service: 'test', level: 'silent' });

test('/metrics serves default and custom metrics with the service label and the registry content type', async (t) => {
  const registry = createMetrics({ service: 'detector' });
  const frames = new Counter({
    name: 'shiriki_frames_decoded_total',
    help: 'Frames decoded',
    labelNames: ['camera'],
    registers: [registry],
  });
  frames.inc({ camera: 'front' }, 3);
  const server = await startTelemetryServer({
    host: '127.0.0.1',
    port: 0,
    registry,
    readiness: () => true,
    logger,
  });
  t.after(() => server.close());

  assert.notEqual(server.port, 0);
  assert.equal(server.url, `http://127.0.0.1:${server.port}`);
  const response = await fetch(`${server.url}/metrics`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), registry.contentType);
  const body = await response.text();
  assert.match(body, /^process_cpu_user_seconds_total\{service="detector"\} \d/m);
  assert.match(body, /^nodejs_eventloop_lag_seconds\{service="detector"\} /m);
  assert.match(body, /^shiriki_frames_decoded_total\{camera="front",service="detector"\} 3$/m);
});

test('/readyz follows the lifecycle: 503 while starting, 200 while running, 503 while draining', async (t) => {
  const exits: number[] = [];
  const lifecycle = new ServiceLifecycle({ logger, exit: (code) => void exits.push(code) });
  const registry = createMetrics({ service: 'detector' });
  const server = await startTelemetryServer({
    host: '127.0.0.1',
    port: 0,
    registry,
    readiness: lifecycle.readiness,
    liveness: lifecycle.liveness,
    logger,
  });
  t.after(() => server.close());
  const probe = async (path: string): Promise<[number, unknown]> => {
    const response = await fetch(`${server.url}${path}`);
    return [response.status, await response.json()];
  };

  assert.deepEqual(await probe('/readyz'), [503, { status: 'unavailable', reason: 'service is starting' }]);
  assert.deepEqual(await probe('/healthz'), [200, { status: 'ok' }]);
  lifecycle.markRunning();
  assert.deepEqual(await probe('/readyz'), [200, { status: 'ok' }]);

  let releaseDrain!: () => void;
  const drainStarted = new Promise<void>((started) => {
    lifecycle.onShutdown(
      'consumer',
      () => new Promise<void>((resolve) => ((releaseDrain = resolve), started())),
    );
  });
  const shutdown = lifecycle.shutdown('test');
  await drainStarted;
  assert.deepEqual(await probe('/readyz'), [503, { status: 'unavailable', reason: 'service is draining' }]);
  assert.deepEqual(await probe('/healthz'), [200, { status: 'ok' }]);
  releaseDrain();
  assert.equal(await shutdown, 0);
  assert.deepEqual(await probe('/healthz'), [503, { status: 'unavailable', reason: 'check returned false' }]);
  assert.deepEqual(exits, [0]);
});

test('unknown paths get 404, other methods 405, a throwing probe 503 with its redacted message', async (t) => {
  const server = await startTelemetryServer({
    host: '127.0.0.1',
    port: 0,
    registry: createMetrics({ service: 'detector' }),
    readiness: () => {
      throw new Error('nats://svc:natspw@nats:4222 unreachable');
    },
    logger,
  });
  t.after(() => server.close());

  assert.equal((await fetch(`${server.url}/nope`)).status, 404);
  const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  const head = await fetch(`${server.url}/healthz?verbose=1`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  const ready = await fetch(`${server.url}/readyz`);
  assert.equal(ready.status, 503);
  assert.deepEqual(await ready.json(), {
    status: 'unavailable',
    reason: 'nats://svc:***@nats:4222 unreachable',
  });
});

test('close() ends keep-alive connections and frees the port; a taken port fails with a typed error', async () => {
  const registry = createMetrics({ service: 'detector' });
  const first = await startTelemetryServer({
    host: '127.0.0.1',
    port: 0,
    registry,
    readiness: () => true,
    logger,
  });
  await assert.rejects(
    startTelemetryServer({ host: '127.0.0.1', port: first.port, registry, readiness: () => true, logger }),
    (error: Error & { port?: number; cause?: unknown }) =>
      error.name === 'TelemetryServerError' &&
      error.port === first.port &&
      (error.cause as NodeJS.ErrnoException).code === 'EADDRINUSE',
  );
  await fetch(`${first.url}/healthz`, { headers: { connection: 'keep-alive' } });
  await first.close();
  await assert.rejects(fetch(`${first.url}/healthz`));
  const again = await startTelemetryServer({
    host: '127.0.0.1',
    port: first.port,
    registry,
    readiness: () => true,
    logger,
  });
  await again.close();
});
