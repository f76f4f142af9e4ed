import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { freePort, freePorts, preferredPort } from './ports.js';

test('freePort returns a port a listener can bind on 127.0.0.1', async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('freePorts returns distinct ports', async () => {
  const ports = await freePorts(9);
  assert.equal(ports.length, 9);
  assert.equal(new Set(ports).size, 9);
});

test('preferredPort keeps a free port and moves off a taken one', async () => {
  const port = await freePort();
  assert.deepEqual(await preferredPort(port), { port, moved: false });
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
  try {
    const moved = await preferredPort(port);
    assert.equal(moved.moved, true);
    assert.notEqual(moved.port, port);
  } finally {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }
});
