/**
 * MQTT bridge benchmark: NATS event -> MQTT message latency (p50/p99) and CPU per 1,000 events, the bridge
 * service (its own process, one camera) against a bare relay measured in the same run (bench/mqtt-bare-relay.ts:
 * a core NATS subscription republishing each message to MQTT, QoS 1, nothing else). Both against a real
 * nats-server and mosquitto; events are published to JetStream at a steady rate, as the tracker does, and
 * received by an MQTT subscriber; latency is receipt minus publish time.
 *
 * Run: node --conditions=shiriki-source --import tsx bench/mqtt.ts [events=2000] [rate=200]
 * Writes docs/benchmarks/mqtt.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import {
  ObjectEventSchema,
  connectBus,
  createSubjects,
  defaultStreams,
  encodeJson,
  ensureStream,
  type ObjectEvent,
} from '@shiriki/bus';
import { spawnChild } from '@shiriki/process';
import {
  makeTempDir,
  processTreeCpuSeconds,
  removeTempDir,
  sleep,
  spawnService,
  startMosquitto,
  startNatsServer,
  waitFor,
  writeServiceConfig,
} from '@shiriki/testing';
import { percentile } from './percentile.js';
import { quietLogger } from './quiet-logger.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const total = Number(process.argv[2] ?? 2000);
const rate = Number(process.argv[3] ?? 200);
const CAMERA = 'bench';

interface Result {
  p50: number;
  p99: number;
  cpuPer1000: number;
  received: number;
}

const dir = makeTempDir('bench-mqtt');
const [nats, broker] = await Promise.all([startNatsServer(), startMosquitto()]);
const bus = await connectBus({ servers: [nats.url] }, { logger: quietLogger, name: 'bench-mqtt' });
const subjects = createSubjects('shiriki');
await ensureStream(bus.jsm, defaultStreams(subjects).events);

/** Publishes `total` events (new, then end, per object) at `rate`/s; returns publish times by event key. */
async function publishEvents(round: string): Promise<Map<string, number>> {
  const sent = new Map<string, number>();
  const start = Date.now();
  for (let i = 0; i < total; i++) {
    const id = `${round}-${Math.floor(i / 2)}`;
    const type = i % 2 === 0 ? 'new' : 'end';
    const event: ObjectEvent = {
      type,
      id,
      camera: CAMERA,
      label: 'person',
      score: 0.8,
      top_score: 0.85,
      box: [10, 10, 100, 200],
      zones: [],
      entered_zones: [],
      start_time: start,
      frame_time: start + i,
      ...(type === 'end' ? { end_time: start + i } : {}),
      stationary: false,
    };
    sent.set(`${id}/${type}`, Date.now());
    await bus.js.publish(subjects.events(CAMERA, 'person'), encodeJson(ObjectEventSchema, event), {
      msgID: `${id}:${type}`,
    });
    const due = start + ((i + 1) * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
  }
  return sent;
}

async function measure(
  round: string,
  topic: string,
  pid: number,
  key: (payload: Buffer) => string,
): Promise<Result> {
  const mqtt = await connectAsync(broker.url, { clientId: `bench-${round}` });
  const arrived = new Map<string, number>();
  mqtt.on('message', (_topic, payload) => arrived.set(key(payload), Date.now()));
  await mqtt.subscribeAsync(topic, { qos: 1 });
  const cpuBefore = processTreeCpuSeconds(pid);
  const sent = await publishEvents(round);
  await waitFor(() => arrived.size >= sent.size, {
    what: `${round}: every event over MQTT`,
    timeoutMs: 60_000,
  }).catch(() => undefined);
  const cpu = processTreeCpuSeconds(pid) - cpuBefore;
  await mqtt.endAsync();
  const latencies = [...sent].flatMap(([k, at]) => (arrived.has(k) ? [arrived.get(k)! - at] : []));
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuPer1000: (cpu * 1000 * 1000) / sent.size,
    received: latencies.length,
  };
}

let bare: Result;
let bridge: Result;
try {
  // The bare relay on core NATS (it sees what JetStream stores, as the stream's subjects are plain subjects).
  const relay = await spawnChild(
    process.execPath,
    [
      ...['--conditions=shiriki-source', '--import', 'tsx', join(repoRoot, 'bench', 'mqtt-bare-relay.ts')],
      ...[nats.url, broker.url, subjects.eventsAll, 'bare/events'],
    ],
    { name: 'bare-relay', cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let relayOut = '';
  relay.process.stdout?.on('data', (chunk: Buffer) => (relayOut += chunk.toString()));
  await waitFor(() => relayOut.includes('ready'), { what: 'the bare relay', timeoutMs: 30_000 });
  bare = await measure('bare', 'bare/events', relay.pid, (payload) => {
    const event = JSON.parse(payload.toString()) as ObjectEvent;
    return `${event.id}/${event.type}`;
  });
  await relay.stop({ termGraceMs: 3000 });

  const configPath = writeServiceConfig(dir, {
    nats: { servers: [nats.url] },
    storage: { type: 'local', local: { path: join(dir, 'store') } },
    telemetry: { log_level: 'warn', metrics_port: 0 },
    cameras: { [CAMERA]: { source: 'rtsp://127.0.0.1:8554/bench' } },
    mqtt: { enabled: true, host: broker.host, port: broker.port, discovery: { enabled: false } },
  });
  const service = await spawnService('mqtt', configPath, join(dir, 'mqtt.log'));
  const mqtt = await connectAsync(broker.url, { clientId: 'bench-wait' });
  let online = false;
  mqtt.on('message', (_t, payload) => (online = payload.toString() === 'online'));
  await mqtt.subscribeAsync('shiriki/available');
  await waitFor(() => online, { what: 'the bridge online', timeoutMs: 30_000 });
  await mqtt.endAsync();
  await sleep(2000); // its camera lease and consumer
  bridge = await measure('bridge', 'shiriki/events', service.pid, (payload) => {
    const message = JSON.parse(payload.toString()) as { type: string; after: { id: string } };
    return `${message.after.id}/${message.type}`;
  });
  await service.child.stop({ termGraceMs: 5000 });
} finally {
  await bus.drain();
  await Promise.all([nats.dispose(), broker.dispose()]);
  await removeTempDir(dir);
}

const row = (name: string, r: Result) =>
  `| ${name} | ${r.received} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.cpuPer1000.toFixed(0)} |`;
const report = `# MQTT bridge benchmark

\`bench/mqtt.ts\`, ${new Date().toISOString().slice(0, 10)}; ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}.

${total} object events (new and end of ${total / 2} objects) published to JetStream at ${rate}/s, as the tracker publishes
them, on a real nats-server; received by an MQTT subscriber on a real mosquitto. The bridge is the \`mqtt\`
service (its own process, one camera, discovery off): durable consumer, Frigate mapping, reviews, counts, QoS 1,
each event acknowledged on the bus once the broker has it. The bare relay is a core NATS subscription that
republishes each message unchanged (QoS 1), measured in the same run.

| | events received | NATS publish -> MQTT receipt p50 (ms) | p99 (ms) | CPU per 1,000 events (ms) |
| --- | ---: | ---: | ---: | ---: |
${row('bare relay', bare)}
${row('bridge', bridge)}

Ratios, bridge / bare: latency p50 ${(bridge.p50 / bare.p50).toFixed(2)}x, p99 ${(bridge.p99 / bare.p99).toFixed(2)}x, CPU per event ${(bridge.cpuPer1000 / bare.cpuPer1000).toFixed(2)}x.
The bridge sends more per event than the relay (a review message for each \`new\` and \`end\`, count updates).

Run: \`node --conditions=shiriki-source --import tsx bench/mqtt.ts [events=2000] [rate=200]\`
`;
writeFileSync(join(repoRoot, 'docs/benchmarks/mqtt.md'), report);
console.log(report);
