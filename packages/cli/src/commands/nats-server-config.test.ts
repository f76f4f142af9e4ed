import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createUser, fromPublic } from '@nats-io/nkeys';
import type { NatsConfig } from '@shiriki/config';
import {
  UpNatsConfigError,
  authorizationBlock,
  builtInMqttLogin,
  mqttBlock,
  tlsBlock,
} from './nats-server-config.js';

const nats = (value: Partial<NatsConfig>): NatsConfig => ({
  servers: ['nats://127.0.0.1:4222'],
  subject_prefix: 'shiriki',
  ...value,
});

test('no credentials in the config: no authorization block, MQTT without a login', () => {
  assert.equal(authorizationBlock(nats({})), '');
  assert.equal(builtInMqttLogin(nats({})), undefined);
});

test('user and password are quoted so that any character survives', () => {
  const block = authorizationBlock(nats({ user: 'shiriki', password: 'p"a\\ss word' }));
  assert.equal(block, 'authorization {\n  user: "shiriki"\n  password: "p\\"a\\\\ss word"\n}\n');
  assert.deepEqual(builtInMqttLogin(nats({ user: 'shiriki', password: 'x' })), {
    user: 'shiriki',
    password: 'x',
  });
});

test('a token becomes the server token; MQTT cannot log in with it', () => {
  assert.equal(authorizationBlock(nats({ token: 't0k' })), 'authorization {\n  token: "t0k"\n}\n');
  assert.throws(() => builtInMqttLogin(nats({ token: 't0k' })), UpNatsConfigError);
});

test('an nkey seed becomes the user public key the server checks signatures against', () => {
  const user = createUser();
  const seed = new TextDecoder().decode(user.getSeed());
  const block = authorizationBlock(nats({ nkey_seed: seed }));
  const publicKey = /nkey: "(U[A-Z0-9]+)"/.exec(block)?.[1];
  assert.equal(publicKey, user.getPublicKey());
  assert.ok(fromPublic(publicKey), 'a valid public key');
  assert.ok(!block.includes(seed), 'the seed stays with the clients');
  assert.throws(
    () => authorizationBlock(nats({ nkey_seed: 'SUNOTASEED' })),
    (error: unknown) => error instanceof UpNatsConfigError && error.setting === 'nats.nkey_seed',
  );
});

test('a creds file needs an operator-mode NATS, which up does not run', () => {
  assert.throws(
    () => authorizationBlock(nats({ creds_file: '/etc/shiriki/user.creds' })),
    (error: unknown) => error instanceof UpNatsConfigError && /nats\.servers/.test(error.message),
  );
});

test('the MQTT listener stays on loopback', () => {
  assert.equal(mqttBlock(1883), 'mqtt {\n  host: "127.0.0.1"\n  port: 1883\n}\n');
});

test('a server certificate in nats.tls makes the server take only TLS; client settings alone do not', () => {
  assert.equal(tlsBlock(nats({ tls: { ca_file: '/etc/shiriki/ca.pem' } })), '');
  assert.equal(
    tlsBlock(
      nats({
        tls: { ca_file: '/etc/ca.pem', server_cert_file: '/etc/nats.pem', server_key_file: '/etc/nats.key' },
      }),
    ),
    'tls {\n  cert_file: "/etc/nats.pem"\n  key_file: "/etc/nats.key"\n}\n',
  );
});
