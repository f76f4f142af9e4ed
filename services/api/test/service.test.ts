// The api as its own process, as deployed: it prints the first admin password once on stdout (never
// through the logger), serves until SIGTERM, then drains with a live SSE client connected and exits 0.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  freePort,
  makeTempDir,
  removeTempDir,
  spawnService,
  startNatsServer,
  waitFor,
  waitForLog,
  writeServiceConfig,
  type NatsServer,
} from '@shiriki/testing';

let nats: NatsServer;
let dir: string;

before(async () => {
  nats = await startNatsServer();
  dir = makeTempDir('api-service');
});
after(async () => {
  await nats?.dispose();
  await removeTempDir(dir);
});

test('first start announces the admin once; SIGTERM drains an open SSE stream and exits 0', async () => {
  const port = await freePort();
  const config = writeServiceConfig(dir, {
    data_dir: join(dir, 'data'),
    nats: { servers: [nats.url] },
    cameras: { front: { source: 'rtsp://admin:S3cretCamPass@10.1.1.1/live' } },
    api: { host: '127.0.0.1', port },
  });
  const logFile = join(dir, 'api-1.log');
  const first = await spawnService('api', config, logFile);
  await waitForLog(first, 'api listening');
  const text = readFileSync(logFile, 'utf8');
  const announced = [...text.matchAll(/Log in as "admin" with password (\S+)/g)].map((m) => m[1]);
  assert.equal(announced.length, 1, 'announced exactly once');
  const password = announced[0]!;
  const jsonLines = text.split('\n').filter((line) => line.startsWith('{'));
  assert.ok(jsonLines.length > 0);
  assert.ok(!jsonLines.some((line) => line.includes(password)), 'no log line holds the password');
  assert.ok(!text.includes('S3cretCamPass'), 'the camera password is never printed');

  const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const sse = await fetch(`http://127.0.0.1:${port}/api/events/stream`, { headers: { cookie } });
  assert.equal(sse.status, 200);
  const reading = (async () => {
    const reader = sse.body!.getReader();
    for (;;) if ((await reader.read()).done) return 'ended';
  })().catch(() => 'ended');

  const stopping = Date.now();
  process.kill(first.pid, 'SIGTERM');
  const exit = await first.child.exited;
  assert.equal(exit.code, 0, readFileSync(logFile, 'utf8').slice(-2000));
  assert.ok(Date.now() - stopping < 10_000, `drained in ${Date.now() - stopping} ms`);
  assert.equal(await reading, 'ended', 'the SSE stream was closed, not left hanging');

  // A second start on the same data keeps the admin: nothing announced.
  const logFile2 = join(dir, 'api-2.log');
  const second = await spawnService('api', config, logFile2);
  await waitForLog(second, 'api listening');
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, {
    timeoutMs: 10_000,
    what: 'ready',
  });
  assert.ok(!readFileSync(logFile2, 'utf8').includes('Log in as'));
  process.kill(second.pid, 'SIGTERM');
  assert.equal((await second.child.exited).code, 0);
});

test('a taken port stops the service with a clear error instead of hanging', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const config = writeServiceConfig(dir, {
      data_dir: join(dir, 'data-taken'),
      nats: { servers: [nats.url] },
      cameras: { front: { source: 'rtsp://10.1.1.1/live' } },
      api: { host: '127.0.0.1', port },
    });
    const logFile = join(dir, 'api-taken.log');
    const started = Date.now();
    const service = await spawnService('api', config, logFile);
    const exit = await service.child.exited;
    assert.notEqual(exit.code, 0);
    assert.ok(Date.now() - started < 20_000, `exited after ${Date.now() - started} ms`);
    assert.match(readFileSync(logFile, 'utf8'), /EADDRINUSE/);
  } finally {
    blocker.close();
  }
});
