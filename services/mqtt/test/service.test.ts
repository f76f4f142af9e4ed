import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import {
  makeTempDir,
  makeTestCertificates,
  removeTempDir,
  spawnService,
  startMosquitto,
  startNatsServer,
  waitFor,
  writeServiceConfig,
  type MosquittoServer,
  type NatsServer,
} from '@shiriki/testing';

const PASSWORD = 'mqtt-pass-7f3a9c';
let nats: NatsServer;
let broker: MosquittoServer;
let dir: string;

before(async () => {
  dir = makeTempDir('mqtt-service');
  [nats, broker] = await Promise.all([
    startNatsServer(),
    startMosquitto({ user: { name: 'ha', password: PASSWORD } }),
  ]);
});
after(async () => {
  await Promise.all([nats?.dispose(), broker?.dispose()]);
  await removeTempDir(dir);
});

test('the bridge logs in with a password from the environment, never logs it, and its Last Will fires on kill -9', async () => {
  const configPath = writeServiceConfig(dir, {
    nats: { servers: [nats.url] },
    storage: { type: 'local', local: { path: join(dir, 'store') } },
    telemetry: { log_level: 'debug', metrics_port: 0 },
    cameras: { front: { source: 'rtsp://admin:cam-secret@192.0.2.7/h264' } },
    mqtt: {
      enabled: true,
      host: broker.host,
      port: broker.port,
      user: 'ha',
      password: '${MQTT_TEST_PASSWORD}',
    },
  });
  const client = await connectAsync(broker.url, { username: 'ha', password: PASSWORD, clientId: 'watcher' });
  const available: string[] = [];
  client.on('message', (topic, payload) => {
    if (topic === 'shiriki/available') available.push(payload.toString());
  });
  await client.subscribeAsync('shiriki/available', { qos: 1 });
  const logFile = join(dir, 'mqtt.log');
  const service = await spawnService('mqtt', configPath, logFile, { env: { MQTT_TEST_PASSWORD: PASSWORD } });
  try {
    await waitFor(() => available.at(-1) === 'online', { what: 'the bridge online', timeoutMs: 30_000 });
    // The log line can trail the retained 'online' by a moment; kill -9 would lose it unwritten.
    await waitFor(() => /connected to the MQTT broker/.test(readFileSync(logFile, 'utf8')), {
      what: 'the connection in the log',
      timeoutMs: 5000,
    });
    service.child.process.kill('SIGKILL');
    await waitFor(() => available.at(-1) === 'offline', {
      what: 'the Last Will after kill -9',
      timeoutMs: 5000,
    });
  } finally {
    await service.child.stop({ termGraceMs: 2000 });
    await client.endAsync();
  }
  const log = readFileSync(logFile, 'utf8');
  assert.match(log, /connected to the MQTT broker/);
  assert.ok(!log.includes(PASSWORD), 'the broker password is not in the log');
  assert.ok(!log.includes('cam-secret'), 'the camera password is not in the log');
});

test('a wrong password is refused and reported, without the password', async () => {
  const configPath = writeServiceConfig(dir, {
    nats: { servers: [nats.url] },
    storage: { type: 'local', local: { path: join(dir, 'store') } },
    telemetry: { log_level: 'info', metrics_port: 0 },
    cameras: { front: { source: 'rtsp://192.0.2.7/h264' } },
    mqtt: {
      enabled: true,
      host: broker.host,
      port: broker.port,
      user: 'ha',
      password: 'not-the-password-1234',
    },
  });
  const logFile = join(dir, 'mqtt-refused.log');
  const service = await spawnService('mqtt', configPath, logFile);
  try {
    await waitFor(() => /MQTT broker error/.test(readFileSync(logFile, 'utf8')), {
      what: 'the refusal in the log',
      timeoutMs: 30_000,
    });
  } finally {
    await service.child.stop({ termGraceMs: 5000 });
  }
  const log = readFileSync(logFile, 'utf8');
  assert.match(log, /Not authorized|Bad username or password|refused/i);
  assert.ok(!log.includes('not-the-password-1234'));
});

test('over TLS: the bridge verifies the broker against the CA it is given', async () => {
  // A CA and a broker certificate for 127.0.0.1, as a user with a private CA has them.
  const certificates = makeTestCertificates(join(dir, 'tls'));
  const tlsBroker = await startMosquitto({
    tls: { certFile: certificates.certFile, keyFile: certificates.keyFile },
  });
  try {
    const configPath = writeServiceConfig(dir, {
      nats: { servers: [nats.url] },
      storage: { type: 'local', local: { path: join(dir, 'store') } },
      telemetry: { log_level: 'info', metrics_port: 0 },
      cameras: { front: { source: 'rtsp://192.0.2.7/h264' } },
      mqtt: {
        enabled: true,
        host: '127.0.0.1',
        port: tlsBroker.port,
        tls: { enabled: true, ca_file: certificates.caFile },
      },
    });
    const client = await connectAsync(`mqtts://127.0.0.1:${tlsBroker.port}`, {
      ca: readFileSync(certificates.caFile),
      clientId: 'tls-watcher',
    });
    const available: string[] = [];
    client.on('message', (_topic, payload) => available.push(payload.toString()));
    await client.subscribeAsync('shiriki/available', { qos: 1 });
    const service = await spawnService('mqtt', configPath, join(dir, 'mqtt-tls.log'));
    try {
      await waitFor(() => available.at(-1) === 'online', {
        what: 'the bridge online over TLS',
        timeoutMs: 30_000,
      });
    } finally {
      await service.child.stop({ termGraceMs: 5000 });
      await client.endAsync();
    }
    assert.equal(available.at(-1), 'offline', 'a clean stop says offline');
  } finally {
    await tlsBroker.dispose();
  }
});
