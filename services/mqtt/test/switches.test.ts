// Run-time switches end to end: a command on MQTT reaches the camera's ingest worker through the switch
// bucket, its state is echoed (retained), the api sees the same switches, and they survive restarts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { CameraSwitchBoard, createSubjects, decodeFrame } from '@shiriki/bus';
import { resolveFfmpegPath } from '@shiriki/process';
import {
  makeTempDir,
  removeTempDir,
  sleep,
  spawnService,
  startGo2rtc,
  startMosquitto,
  startNatsServer,
  syntheticSource,
  waitFor,
  writeServiceConfig,
  type Go2rtcServer,
  type MosquittoServer,
  type NatsServer,
  type ServiceProcess,
} from '@shiriki/testing';
import { jetstream } from '@nats-io/jetstream';

const CAMERA = 'yard';
let nats: NatsServer;
let go2rtc: Go2rtcServer;
let broker: MosquittoServer;
let dir: string;
let nc: NatsConnection;
let mqtt: MqttClient;
const services: ServiceProcess[] = [];
const frameTimes: number[] = [];
const states = new Map<string, string>();

before(async () => {
  dir = makeTempDir('mqtt-switches');
  [nats, go2rtc, broker] = await Promise.all([
    startNatsServer(),
    startGo2rtc({
      streams: { [CAMERA]: syntheticSource(resolveFfmpegPath(), { size: '320x180', fps: 10 }) },
    }),
    startMosquitto(),
  ]);
  const configPath = writeServiceConfig(dir, {
    nats: { servers: [nats.url] },
    go2rtc: {
      api_url: go2rtc.apiUrl,
      rtsp_url: `rtsp://127.0.0.1:${go2rtc.rtspPort}`,
      register_streams: false,
    },
    storage: { type: 'local', local: { path: join(dir, 'store') } },
    telemetry: { log_level: 'info', metrics_port: 0 },
    // Motion off: every frame at the detect rate goes to the detectors while detect is on.
    cameras: {
      [CAMERA]: {
        source: go2rtc.rtspUrl(CAMERA),
        detect: { width: 320, height: 180, fps: 5 },
        motion: { enabled: false },
      },
    },
    mqtt: { enabled: true, host: broker.host, port: broker.port },
  });
  nc = await connect({ servers: nats.url });
  nc.subscribe(createSubjects().frames(CAMERA), {
    callback: (_error, msg) => void frameTimes.push(decodeFrame(msg.data).captureTime),
  });
  mqtt = await connectAsync(broker.url, { clientId: 'switch-test' });
  mqtt.on('message', (topic, payload) => states.set(topic, payload.toString()));
  await mqtt.subscribeAsync(`shiriki/${CAMERA}/+/state`, { qos: 1 });
  for (const service of ['ingest', 'mqtt'])
    services.push(await spawnService(service, configPath, join(dir, `${service}.log`)));
});

after(async () => {
  for (const { child } of services) await child.stop({ termGraceMs: 5000 });
  await mqtt?.endAsync();
  await nc?.close();
  await Promise.all([nats?.dispose(), go2rtc?.dispose(), broker?.dispose()]);
  await removeTempDir(dir);
});

const framesSince = (at: number) => frameTimes.filter((t) => t > at).length;

test('detect/set OFF stops the frames to the detectors within 2 s, ON brings them back; states are echoed and kept', async () => {
  await waitFor(() => frameTimes.length > 5, { what: 'frames from the camera', timeoutMs: 60_000 });
  await waitFor(() => states.get(`shiriki/${CAMERA}/detect/state`) === 'ON', {
    what: 'the detect state',
    timeoutMs: 30_000,
  });
  assert.equal(states.get(`shiriki/${CAMERA}/recordings/state`), 'ON');
  assert.equal(states.get(`shiriki/${CAMERA}/motion/state`), 'OFF', 'as the config says');

  await mqtt.publishAsync(`shiriki/${CAMERA}/detect/set`, 'OFF', { qos: 1 });
  const offAt = Date.now();
  await waitFor(() => states.get(`shiriki/${CAMERA}/detect/state`) === 'OFF', {
    what: 'detect OFF echoed',
    timeoutMs: 5000,
  });
  await sleep(2000);
  const quietFrom = Date.now();
  await sleep(2000);
  assert.equal(framesSince(quietFrom), 0, 'no frame to the detectors 2 s after detect OFF');
  assert.ok(framesSince(offAt) <= 12, `frames stopped within 2 s: ${framesSince(offAt)} after the command`);

  // A malformed command is ignored: the state stays.
  await mqtt.publishAsync(`shiriki/${CAMERA}/detect/set`, 'maybe', { qos: 1 });
  await sleep(500);
  assert.equal(states.get(`shiriki/${CAMERA}/detect/state`), 'OFF');

  // The api and every other service see the same bucket; a new reader (a restart) finds OFF stored.
  const board = await CameraSwitchBoard.open(jetstream(nc), createSubjects().buckets.cameraSwitches, () => ({
    detect: true,
    motion: false,
    recordings: true,
    snapshots: true,
  }));
  assert.equal((await board.get(CAMERA)).detect, false);

  await mqtt.publishAsync(`shiriki/${CAMERA}/detect/set`, 'ON', { qos: 1 });
  const onAt = Date.now();
  await waitFor(() => framesSince(onAt) > 0, { what: 'frames again after detect ON', timeoutMs: 2000 });
  assert.equal(states.get(`shiriki/${CAMERA}/detect/state`), 'ON');

  // Motion off while detect is on is refused (detection is gated by motion), and the state stays as it was.
  await mqtt.publishAsync(`shiriki/${CAMERA}/motion/set`, 'ON', { qos: 1 });
  await waitFor(() => states.get(`shiriki/${CAMERA}/motion/state`) === 'ON', {
    what: 'motion ON',
    timeoutMs: 5000,
  });
  await mqtt.publishAsync(`shiriki/${CAMERA}/motion/set`, 'OFF', { qos: 1 });
  await sleep(1000);
  assert.equal(states.get(`shiriki/${CAMERA}/motion/state`), 'ON');
  assert.equal((await board.get(CAMERA)).motion, true);
});
