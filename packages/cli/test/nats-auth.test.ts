// The authorization block `up` writes for its own nats-server, on a real nats-server: the right credentials
// connect (the way @shiriki/bus connects with them), none or wrong ones are refused.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import { createUser } from '@nats-io/nkeys';
import type { NatsConfig } from '@shiriki/config';
import {
  makeTempDir,
  makeTestCertificates,
  removeTempDir,
  startNatsServer,
  type NatsServer,
} from '@shiriki/testing';
import { authorizationBlock, tlsBlock } from '../src/commands/nats-server-config.js';

const dir = makeTempDir('nats-auth');
const servers: NatsServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.dispose()));
  await removeTempDir(dir);
});

async function serverWith(nats: Partial<NatsConfig>): Promise<NatsServer> {
  const file = join(dir, `auth-${servers.length}.conf`);
  const config: NatsConfig = { servers: [], subject_prefix: 'shiriki', ...nats };
  writeFileSync(file, authorizationBlock(config) + tlsBlock(config));
  const server = await startNatsServer({ args: ['-c', file] });
  servers.push(server);
  return server;
}

async function refused(options: Parameters<typeof connect>[0]): Promise<boolean> {
  try {
    const nc = await connect({ ...options, reconnect: false });
    await nc.close();
    return false;
  } catch (error) {
    return /Authorization Violation/i.test(String(error));
  }
}

test('user and password: the services connect with them, anyone else is refused', async () => {
  const server = await serverWith({ user: 'shiriki', password: 'p"ass word\\' });
  const nc = await connect({ servers: server.url, user: 'shiriki', pass: 'p"ass word\\' });
  await nc.flush();
  await nc.close();
  assert.ok(await refused({ servers: server.url }));
  assert.ok(await refused({ servers: server.url, user: 'shiriki', pass: 'wrong' }));
});

test('token', async () => {
  const server = await serverWith({ token: 's3cret-token' });
  const nc = await connect({ servers: server.url, token: 's3cret-token' });
  await nc.close();
  assert.ok(await refused({ servers: server.url, token: 'other' }));
});

test('nkey: the server knows the public key, the client signs with the seed', async () => {
  const user = createUser();
  const seed = new TextDecoder().decode(user.getSeed());
  const server = await serverWith({ nkey_seed: seed });
  const nc = await connect({ servers: server.url, authenticator: nkeyAuthenticator(user.getSeed()) });
  await nc.close();
  assert.ok(await refused({ servers: server.url }));
});

test('a server certificate: clients that trust its CA connect over TLS, others cannot', async () => {
  const certificates = makeTestCertificates(join(dir, 'tls'));
  const server = await serverWith({
    user: 'shiriki',
    password: 'secret',
    tls: {
      ca_file: certificates.caFile,
      server_cert_file: certificates.certFile,
      server_key_file: certificates.keyFile,
    },
  });
  const nc = await connect({
    servers: server.url,
    user: 'shiriki',
    pass: 'secret',
    tls: { caFile: certificates.caFile },
  });
  assert.equal(nc.info?.tls_required, true);
  await nc.close();
  // Without the CA the client is made to upgrade (the server requires TLS) and cannot verify the server.
  await assert.rejects(
    connect({ servers: server.url, user: 'shiriki', pass: 'secret', reconnect: false }),
    /verify the first certificate/,
  );
});
