import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startNatsServer, type NatsServer } from '@shiriki/testing';
import { BusConnectError, connectBus, type Bus } from '../src/index.js';
import { captureLogger } from './capture-logger.js';

const servers: NatsServer[] = [];
const buses: Bus[] = [];

after(async () => {
  for (const bus of buses) await bus.drain();
  for (const server of servers) await server.dispose();
});

async function authServer(): Promise<NatsServer> {
  const server = await startNatsServer({
    jetstream: false,
    args: ['--user', 'shiriki', '--pass', 's3cret-pw'],
  });
  servers.push(server);
  return server;
}

test('connects with user and password and can round-trip a request', async () => {
  const server = await authServer();
  const { logger, entries } = captureLogger();
  const bus = await connectBus(
    { servers: [server.url], user: 'shiriki', password: 's3cret-pw' },
    { logger, name: 'connect-test' },
  );
  buses.push(bus);
  const sub = bus.nc.subscribe('ping', { callback: (_err, msg) => void msg.respond('pong') });
  const reply = await bus.nc.request('ping', '', { timeout: 2_000 });
  assert.equal(reply.string(), 'pong');
  sub.unsubscribe();
  assert.ok(entries.some((entry) => entry.msg === 'connected to NATS'));
  assert.ok(!JSON.stringify(entries).includes('s3cret-pw'));
});

test('a wrong password fails with an error that does not reveal the password', async () => {
  const server = await authServer();
  const url = server.url.replace('nats://', 'nats://shiriki:wrong-pw-in-url@');
  const { logger, entries } = captureLogger();
  const error = await connectBus(
    { servers: [url], user: 'shiriki', password: 'wrong-pw-123' },
    { logger, name: 'connect-test', waitOnFirstConnect: false },
  ).then(
    () => assert.fail('connected with a wrong password'),
    (error: unknown) => error,
  );
  assert.ok(error instanceof BusConnectError, String(error));
  assert.match(error.message, /authorization/i);
  assert.match(error.message, /\*\*\*@127\.0\.0\.1/);
  for (const text of [error.message, String(error.cause), error.servers.join(' '), JSON.stringify(entries)]) {
    assert.ok(!text.includes('wrong-pw-123'), text);
    assert.ok(!text.includes('wrong-pw-in-url'), text);
  }
});

test('with waitOnFirstConnect a client started before the server connects once it comes up', async () => {
  const port = await freePort();
  const { logger } = captureLogger();
  const connecting = connectBus(
    { servers: [`nats://127.0.0.1:${port}`] },
    { logger, name: 'connect-test', reconnectTimeWaitMs: 100 },
  );
  let settled = false;
  void connecting.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 700));
  assert.equal(settled, false, 'connectBus must keep waiting while no server runs');

  const server = await startNatsServer({ jetstream: false, port });
  servers.push(server);
  const bus = await connecting;
  buses.push(bus);
  await bus.nc.flush();
  assert.equal(bus.nc.getServer(), `127.0.0.1:${port}`);
});
