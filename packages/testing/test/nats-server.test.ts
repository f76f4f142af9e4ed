import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { NATS_SERVER_DEFAULTS, ServerStartError, startNatsServer, type NatsServer } from '../src/index.js';

interface JsApiReply {
  type: string;
  config: { name: string };
}

interface Jsz {
  disabled?: boolean;
  config?: { store_dir: string };
}

async function request(nc: NatsConnection, subject: string, body: unknown = ''): Promise<JsApiReply> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return (await nc.request(subject, payload, { timeout: 5000 })).json<JsApiReply>();
}

describe('startNatsServer', () => {
  let server: NatsServer;
  before(async () => {
    server = await startNatsServer();
  });
  after(() => server.dispose());

  test('serves a publish/subscribe round trip on its loopback port', async () => {
    assert.match(server.url, /^nats:\/\/127\.0\.0\.1:\d+$/);
    const nc = await connect({ servers: server.url });
    try {
      const sub = nc.subscribe('shiriki.test.echo', { max: 1 });
      nc.publish('shiriki.test.echo', 'hello');
      for await (const msg of sub) assert.equal(msg.string(), 'hello');
    } finally {
      await nc.close();
    }
  });

  test('has JetStream enabled, stored in its temp dir', async () => {
    const jsz = (await (await fetch(`${server.monitorUrl}/jsz`)).json()) as Jsz;
    // nats-server keeps its files in a `jetstream` folder inside the directory it is given.
    assert.equal(jsz.config?.store_dir, `${server.storeDir}/jetstream`);
    assert.ok(server.storeDir.startsWith(server.tempDir));
    const nc = await connect({ servers: server.url });
    try {
      const info = await request(nc, '$JS.API.INFO');
      assert.equal(info.type, 'io.nats.jetstream.api.v1.account_info_response');
    } finally {
      await nc.close();
    }
  });

  test('restart() keeps the port and the JetStream data', async () => {
    const pidBefore = server.pid;
    let nc = await connect({ servers: server.url });
    const created = await request(nc, '$JS.API.STREAM.CREATE.KEEP', { name: 'KEEP', subjects: ['keep.>'] });
    assert.equal(created.config.name, 'KEEP');
    await nc.close();

    await server.restart();
    assert.equal(server.state, 'running');
    assert.notEqual(server.pid, pidBefore);
    nc = await connect({ servers: server.url });
    try {
      const info = await request(nc, '$JS.API.STREAM.INFO.KEEP');
      assert.equal(info.config.name, 'KEEP');
    } finally {
      await nc.close();
    }
  });

  test('writes its output to logFile', () => {
    assert.match(server.logTail(), /Server is ready/);
  });
});

test('without JetStream the server answers no JetStream API', async () => {
  const server = await startNatsServer({ jetstream: false });
  after(() => server.dispose());
  const jsz = (await (await fetch(`${server.monitorUrl}/jsz`)).json()) as Jsz;
  assert.equal(jsz.disabled, true);
  const nc = await connect({ servers: server.url });
  try {
    await assert.rejects(nc.request('$JS.API.INFO', '', { timeout: 2000 }), /503|no responders/i);
  } finally {
    await nc.close();
  }
});

test('dispose() stops the process, frees the port and removes the temp dir', async () => {
  const server = await startNatsServer();
  await server.dispose();
  assert.equal(server.state, 'stopped');
  assert.equal(existsSync(server.tempDir), false);
  await assert.rejects(connect({ servers: server.url, reconnect: false, timeout: 1000 }));
});

test('a server that exits during start fails at once with its log', async () => {
  const blocker = await startNatsServer({ jetstream: false });
  after(() => blocker.dispose());
  const started = Date.now();
  await assert.rejects(startNatsServer({ port: blocker.port, jetstream: false }), (error: unknown) => {
    assert.ok(error instanceof ServerStartError);
    assert.match(error.server, /^nats-server\[/);
    assert.match(error.message, /exited with code 1/);
    assert.match(error.logTail, /address already in use/);
    return true;
  });
  assert.ok(Date.now() - started < NATS_SERVER_DEFAULTS.readyTimeoutMs / 2, 'no wait for the ready timeout');
});
