// `shiriki up` as a user runs it, on person-walk looped as a camera: everything comes up, a person event and
// its clip arrive, the recorder survives kill -9 without losing the clip of the event it was recording,
// SIGTERM stops everything, and a second `up` on the same data directory finds the clips and events.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { connectAsync } from 'mqtt';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  ClipReadySchema,
  ObjectEventSchema,
  createSubjects,
  decodeJson,
  type ClipReady,
  type ObjectEvent,
} from '@shiriki/bus';
import { resolveFfmpegPath } from '@shiriki/process';
import {
  assetPath,
  assetsDir,
  containerDuration,
  loopingFileSource,
  repoRoot,
  waitFor,
  processesMentioning,
} from '@shiriki/testing';

const cli = join(repoRoot(), 'packages', 'cli', 'src', 'main.ts');
const dir = await mkdtemp(join(tmpdir(), 'shiriki-up-e2e-'));
const configPath = join(dir, 'shiriki.yaml');
const dataDir = join(dir, 'data');
const running: ChildProcess[] = [];

after(async () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

await writeFile(
  configPath,
  stringify({
    assets_dir: assetsDir(),
    cameras: {
      porch: { source: loopingFileSource(resolveFfmpegPath(), assetPath('media/person-walk.mp4')) },
    },
    motion: { off_delay_s: 5 },
    // No host: up serves MQTT from its own nats-server (this machine's broker on 1883 makes it move).
    mqtt: { enabled: true },
    record: { pre_capture: 2, post_capture: 2, segment_seconds: 2 },
  }),
);

interface Up {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startUp(): Up {
  const child = spawn(
    process.execPath,
    [
      '--conditions=shiriki-source',
      '--import',
      'tsx',
      cli,
      '--config',
      configPath,
      'up',
      '--data-dir',
      dataDir,
    ],
    {
      cwd: repoRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.push(child);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** Processes whose command line names this test's config or data directory: everything `up` started. */
function ourProcesses(): string[] {
  return processesMentioning(configPath, dataDir).map((p) => `${p.pid} ${p.args}`);
}

function natsUrl(): string {
  const overlay = parse(readFileSync(join(dataDir, 'up', 'overlay.yaml'), 'utf8')) as {
    nats: { servers: string[] };
  };
  return overlay.nats.servers[0]!;
}

const subjects = createSubjects();
const events: ObjectEvent[] = [];
const clips: ClipReady[] = [];
let nc: NatsConnection | undefined;

test('up brings NATS, go2rtc and every service to ready and prints where things are', async () => {
  const first = startUp();
  await waitFor(() => first.output().includes('shiriki is up:'), {
    what: 'shiriki up to be ready',
    timeoutMs: 150_000,
  });
  const out = first.output();
  for (const line of [
    'NATS',
    'go2rtc',
    'ingest',
    'detector',
    'tracker',
    'recorder',
    'data',
    'clips',
    'logs',
    'web/API',
    'login',
    'MQTT',
    'mqtt',
  ]) {
    assert.match(out, new RegExp(`^  ${line}\\s`, 'm'), `summary names ${line}`);
  }
  const apiUrl = /^ {2}web\/API\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(out)?.[1];
  const password = /^ {2}login\s+admin \/ (\S+)/m.exec(out)?.[1];
  assert.ok(apiUrl && password, 'the summary gives the api URL and the first login');
  assert.ok(existsSync(join(dataDir, 'nats')), 'JetStream keeps its store in the data dir');

  const mqttPort = /^ {2}MQTT\s+mqtt:\/\/127\.0\.0\.1:(\d+) \(nats-server's MQTT listener/m.exec(out)?.[1];
  assert.ok(mqttPort, 'the summary names the MQTT listener');
  const mqtt = await connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'up-e2e' });
  const mqttEvents: { type: string; after: { id: string; label: string; start_time: number } }[] = [];
  const available: string[] = [];
  mqtt.on('message', (topic, payload) => {
    if (topic === 'shiriki/events')
      mqttEvents.push(JSON.parse(payload.toString()) as (typeof mqttEvents)[number]);
    if (topic === 'shiriki/available') available.push(payload.toString());
  });
  await mqtt.subscribeAsync(['shiriki/events', 'shiriki/available'], { qos: 1 });

  nc = await connect({ servers: natsUrl() });
  nc.subscribe(subjects.eventsAll, {
    callback: (_e, msg) => void events.push(decodeJson(ObjectEventSchema, msg.data)),
  });
  nc.subscribe(subjects.clipsAll, {
    callback: (_e, msg) => void clips.push(decodeJson(ClipReadySchema, msg.data)),
  });

  // A person walks in: an event opens. Then the recorder dies hard while that event is being recorded.
  const firstEvent = await waitFor(() => events.find((e) => e.type === 'new' && e.label === 'person'), {
    what: 'a person event',
    timeoutMs: 90_000,
  });
  // The same event reaches MQTT, in Frigate's shape.
  const mqttNew = await waitFor(
    () => mqttEvents.find((e) => e.type === 'new' && e.after.id === firstEvent.id),
    { what: 'the person event on MQTT', timeoutMs: 15_000 },
  );
  assert.equal(mqttNew.after.label, 'person');
  assert.equal(mqttNew.after.start_time, firstEvent.start_time / 1000);
  assert.deepEqual(available, ['online']);
  await mqtt.endAsync();

  const recorder = processesMentioning(configPath, dataDir).find((p) =>
    p.args.includes('services/recorder/src/main.ts'),
  );
  assert.ok(recorder, 'the recorder runs');
  process.kill(recorder.pid, 'SIGKILL');
  await waitFor(() => /recorder exited \(SIGKILL\); restarting/.test(first.output()), {
    what: 'the crash report',
    timeoutMs: 10_000,
  });
  await waitFor(() => first.output().includes('recorder is back'), {
    what: 'the recorder restart',
    timeoutMs: 60_000,
  });

  // No event lost: the event that was open when the recorder died ends and gets its clip.
  const clip = await waitFor(() => clips.find((c) => c.event_id === firstEvent.id), {
    what: `the clip of ${firstEvent.id}`,
    timeoutMs: 120_000,
  });
  const file = join(dataDir, 'store', clip.keys.clip);
  assert.ok(existsSync(file), `${file} exists`);
  const duration = await containerDuration(file);
  assert.ok(duration > 1, `the clip plays: ${duration} s`);

  // The same event and clip through the api, as the web UI sees them.
  const login = await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const apiEvent = await waitFor(
    async () => {
      const r = await fetch(`${apiUrl}/api/events/${firstEvent.id}`, { headers: { cookie } });
      const body = r.status === 200 ? ((await r.json()) as { has_clip: boolean; label: string }) : undefined;
      return body?.has_clip ? body : undefined;
    },
    { what: 'the event with its clip in the api', timeoutMs: 30_000 },
  );
  assert.equal(apiEvent.label, 'person');
  const part = await fetch(`${apiUrl}/api/events/${firstEvent.id}/clip.mp4`, {
    headers: { cookie, range: 'bytes=0-99' },
  });
  assert.equal(part.status, 206);
  assert.equal(
    Buffer.from(await part.arrayBuffer())
      .subarray(4, 8)
      .toString('latin1'),
    'ftyp',
  );
  const streams = (await (await fetch(`${apiUrl}/api/streams`, { headers: { cookie } })).json()) as {
    streams: Array<{ name: string; online: boolean }>;
  };
  assert.equal(streams.streams.find((s) => s.name === 'porch')?.online, true);
  assert.ok(
    !readFileSync(join(dataDir, 'logs', 'api.log'), 'utf8').includes(password),
    'the admin password is not in the api log',
  );

  await nc.drain();
  nc = undefined;
  const stoppedAt = Date.now();
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0, first.output().slice(-2000));
  assert.match(first.output(), /shiriki up: stopped/);
  assert.ok(Date.now() - stoppedAt < 60_000, 'stopped within the drain grace');
  assert.deepEqual(ourProcesses(), [], 'no process left behind');
  assert.equal(existsSync(join(dataDir, 'up', 'overlay.yaml')), false, 'the overlay goes with the servers');

  // Data survives a restart: the clip is still there and the events stream still holds the events.
  const second = startUp();
  await waitFor(() => second.output().includes('shiriki is up:'), {
    what: 'the second up',
    timeoutMs: 150_000,
  });
  assert.ok(existsSync(file));
  const again = await connect({ servers: natsUrl() });
  try {
    const jsm = await jetstreamManager(again);
    const info = await jsm.streams.info(subjects.streams.events);
    assert.ok(info.state.messages >= 2, `${info.state.messages} events kept across the restart`);
  } finally {
    await again.drain();
  }
  // The event index survived too: the same admin password, the same event.
  const apiUrl2 = /^ {2}web\/API\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(second.output())?.[1];
  const relogin = await fetch(`${apiUrl2}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  assert.equal(relogin.status, 200);
  const cookie2 = relogin.headers.get('set-cookie')!.split(';')[0]!;
  assert.equal(
    (await fetch(`${apiUrl2}/api/events/${firstEvent.id}`, { headers: { cookie: cookie2 } })).status,
    200,
  );
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);
  assert.deepEqual(ourProcesses(), []);
});
