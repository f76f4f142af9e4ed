/**
 * Detector pool scaling and latency, with the real service processes (services/detector/src/main.ts, YOLOX-Nano,
 * one intra-op thread each) on a real nats-server.
 *
 * 1. Throughput: frames/s of one worker, then of two workers (separate processes), under a saturating load:
 *    the publisher keeps the shared consumer's backlog topped up with pre-encoded real 640x360 frames of
 *    person-walk (fresh capture times, max_frame_age high enough that nothing is stale). Phases alternate
 *    (1, 2, 1, 2, ...) so outside load on a shared machine hits both alike; the ratio is two / one over the
 *    medians. Target on 2 cores: >= 1.8.
 * 2. Latency: frame publish to `Detections` received (capture_time vs receive time in a subscriber) at a
 *    moderate rate (5 fps x 2 cameras) with two workers: p50 and p99.
 *
 * Run: node --conditions=shiriki-source --import tsx bench/detector-pool.ts [measureSeconds=10] [repetitions=3]
 * Writes docs/benchmarks/detector-pool.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The root package does not depend on workspace packages, so the bench loads package entries by path.
import {
  connectBus,
  createSubjects,
  decodeJson,
  DetectionsSchema,
  encodeFrame,
} from '../packages/bus/src/index.js';
import { spawnChild, type ManagedChild } from '../packages/process/src/index.js';
import {
  assetPath,
  assetsDir,
  decodeClipFrames,
  makeTempDir,
  removeTempDir,
  sleep,
  spawnService,
  startNatsServer,
  writeServiceConfig,
} from '../packages/testing/src/index.js';
import { quietLogger } from './quiet-logger.js';

const WIDTH = 640;
const HEIGHT = 360;
const CAMERAS = 8;
/** Undelivered frames the publisher keeps in the consumer during throughput phases. */
const BACKLOG_TARGET = 24;
const WARMUP_MS = 3000;
const TARGET_RATIO = 1.8;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const measureSeconds = Number(process.argv[2] ?? 10);
const repetitions = Number(process.argv[3] ?? 3);

function clipFrames(count: number): Uint8Array[] {
  // One frame every 2 s over the clip: persons and empty scenes, as a camera would see them.
  return decodeClipFrames(assetPath('media/person-walk.mp4'), {
    width: WIDTH,
    height: HEIGHT,
    fps: 0.5,
    count,
  });
}

/** Pre-encoded messages; only the capture time (fixed offset 20, f64) and sequence are patched per publish. */
function encodeAll(pixels: Uint8Array[]): Uint8Array[][] {
  return Array.from({ length: CAMERAS }, (_, c) =>
    pixels.map((payload, i) =>
      encodeFrame({
        camera: `cam${c}`,
        producer: 'bench',
        producerEpoch: 1,
        sequence: i + 1,
        captureTime: Date.now(),
        width: WIDTH,
        height: HEIGHT,
        pixelFormat: 'yuv420p',
        hasMotion: true,
        trackingRefresh: false,
        motionBoxes: [[0, 0, WIDTH, HEIGHT]],
        payload,
      }),
    ),
  );
}

function stamp(message: Uint8Array, sequence: number): Uint8Array {
  const view = new DataView(message.buffer, message.byteOffset, 28);
  view.setBigUint64(12, BigInt(sequence), true);
  view.setFloat64(20, Date.now(), true);
  return message;
}

/** Total iterations per second (millions) of `count` busy-loop processes running for `ms`. */
async function busyLoops(count: number, ms: number): Promise<number> {
  const script = `let n=0;const end=Date.now()+${ms};while(Date.now()<end){for(let i=0;i<1e5;i++)n++;}console.log(n)`;
  const runs = Array.from({ length: count }, async () => {
    const child = await spawnChild(process.execPath, ['-e', script], {
      name: 'busy-loop',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.process.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await child.exited;
    return Number(out.trim());
  });
  const totals = await Promise.all(runs);
  return totals.reduce((sum, n) => sum + n, 0) / (ms * 1000);
}

async function main(): Promise<void> {
  const dir = makeTempDir('bench-detector-pool');
  const nats = await startNatsServer();
  const bus = await connectBus(
    { servers: [nats.url] },
    { logger: quietLogger, name: 'bench', waitOnFirstConnect: false },
  );
  const { nc, jsm } = bus;
  const prefix = 'bench';
  const subjects = createSubjects(prefix);
  const configPath = writeServiceConfig(dir, {
    assets_dir: assetsDir(),
    nats: { servers: [nats.url], subject_prefix: prefix },
    storage: { type: 'local', local: { path: join(dir, 'store') } },
    detector: {
      intra_op_threads: 1,
      inter_op_threads: 1,
      region_mode: 'full_frame',
      max_frame_age_ms: 60_000,
    },
    telemetry: { log_level: 'warn', metrics_port: 0 },
    cameras: Object.fromEntries(
      Array.from({ length: CAMERAS }, (_, c) => [`cam${c}`, { source: `rtsp://127.0.0.1:8554/cam${c}` }]),
    ),
  });
  const messages = encodeAll(clipFrames(60));
  let sequence = 0;
  let cursor = 0;
  const publishOne = (camera: number): void => {
    const perCamera = messages[camera]!;
    nc.publish(subjects.frames(`cam${camera}`), stamp(perCamera[cursor++ % perCamera.length]!, ++sequence));
  };

  const latencies: number[] = [];
  let received = 0;
  let recordLatency = false;
  const sub = nc.subscribe(subjects.detectionsAll, {
    callback: (error, msg) => {
      if (error) return;
      received += 1;
      if (recordLatency) latencies.push(Date.now() - decodeJson(DetectionsSchema, msg.data).capture_time);
    },
  });

  let logIndex = 0;
  const spawnWorkers = async (count: number): Promise<ManagedChild[]> => {
    const children: ManagedChild[] = [];
    for (let i = 0; i < count; i++) {
      const logFile = join(dir, `worker-${logIndex++}.log`);
      const { child } = await spawnService('detector', configPath, logFile);
      children.push(child);
    }
    // Ready once the shared consumer has every worker's pull request waiting.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const info = await jsm.consumers.info(subjects.streams.frames, 'detectors').catch(() => undefined);
      if (info && info.num_waiting >= count) break;
      if (Date.now() > deadline)
        throw new Error(
          `workers not ready:\n${readFileSync(join(dir, `worker-${logIndex - 1}.log`), 'utf8')}`,
        );
      await sleep(200);
    }
    return children;
  };
  const stopWorkers = async (children: ManagedChild[]) => {
    await Promise.all(children.map((child) => child.stop({ termGraceMs: 5000 })));
    await jsm.streams.purge(subjects.streams.frames).catch(() => undefined);
  };

  /** Keeps the backlog topped up for `ms`; returns detections per second over the window after warm-up. */
  const saturate = async (ms: number): Promise<number> => {
    let camera = 0;
    let counting = false;
    let startCount = 0;
    let startAt = 0;
    const started = Date.now();
    while (Date.now() - started < WARMUP_MS + ms) {
      if (!counting && Date.now() - started >= WARMUP_MS) {
        counting = true;
        startCount = received;
        startAt = performance.now();
      }
      const info = await jsm.consumers.info(subjects.streams.frames, 'detectors');
      for (let n = info.num_pending; n < BACKLOG_TARGET; n++) publishOne(camera++ % CAMERAS);
      await sleep(50);
    }
    return ((received - startCount) * 1000) / (performance.now() - startAt);
  };

  const one: number[] = [];
  const two: number[] = [];
  const bareOne: number[] = [];
  const bareTwo: number[] = [];
  for (let rep = 0; rep < repetitions; rep++) {
    // The bare baseline: how much two CPU-bound processes get over one on this machine right now.
    for (const count of [1, 2]) {
      const rate = await busyLoops(count, 4000);
      (count === 1 ? bareOne : bareTwo).push(rate);
    }
    for (const count of [1, 2]) {
      const workers = await spawnWorkers(count);
      const rate = await saturate(measureSeconds * 1000);
      (count === 1 ? one : two).push(rate);
      console.log(`repetition ${rep + 1}: ${count} worker(s): ${rate.toFixed(2)} frames/s`);
      await stopWorkers(workers);
    }
  }

  // Latency at a moderate rate: 2 cameras x 5 fps, two workers.
  const workers = await spawnWorkers(2);
  recordLatency = true;
  const latencyStart = Date.now();
  let tick = 0;
  while (Date.now() - latencyStart < (measureSeconds + 5) * 1000) {
    const next = latencyStart + tick * 100;
    if (next > Date.now()) await sleep(next - Date.now());
    publishOne(tick % 2);
    tick += 1;
  }
  await sleep(2000);
  recordLatency = false;
  await stopWorkers(workers);
  sub.unsubscribe();
  await bus.drain();
  await nats.dispose();
  await removeTempDir(dir);

  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length / 2;
    return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
  };
  const quantile = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  };
  const ratio = median(two) / median(one);
  const bareRatio = median(bareTwo) / median(bareOne);
  const p50 = quantile(latencies, 0.5);
  const p99 = quantile(latencies, 0.99);
  const cpu = cpus()[0]?.model ?? 'unknown';
  const nproc = execFileSync('nproc').toString().trim();
  const date = new Date().toISOString().slice(0, 10);
  const report = `# Detector pool benchmark

\`node --conditions=shiriki-source --import tsx bench/detector-pool.ts ${measureSeconds} ${repetitions}\`

- Date: ${date}; nproc: ${nproc}; CPU: ${cpu}; Node ${process.version}
- Workers: \`services/detector/src/main.ts\` processes, YOLOX-Nano 416x416, \`intra_op_threads: 1\`,
  \`region_mode: full_frame\` (one model run per frame), 640x360 yuv420p frames of person-walk.mp4.
- The machine may be shared with other jobs; phases alternate so outside load affects both sides.

## Throughput under saturation

The publisher keeps ${BACKLOG_TARGET} undelivered frames in the \`detectors\` consumer (${CAMERAS} cameras, fresh capture
times); frames/s counted from \`Detections\` messages over ${measureSeconds} s after ${WARMUP_MS / 1000} s of warm-up.

| workers | frames/s per repetition | median |
|---|---|---|
| 1 | ${one.map((v) => v.toFixed(2)).join(', ')} | ${median(one).toFixed(2)} |
| 2 | ${two.map((v) => v.toFixed(2)).join(', ')} | ${median(two).toFixed(2)} |

**Scaling: two workers / one worker = ${ratio.toFixed(2)}** (target >= ${TARGET_RATIO}).

Bare baseline in the same run: two CPU-bound busy-loop processes / one = ${bareRatio.toFixed(2)}
(${bareOne.map((v) => v.toFixed(0)).join(', ')} vs ${bareTwo.map((v) => v.toFixed(0)).join(', ')} M iterations/s): the parallelism the
machine offered at the time; load average at the end ${loadavg()
    .map((v) => v.toFixed(1))
    .join(', ')}.

## Latency at a moderate rate

2 cameras x 5 fps for ${measureSeconds + 5} s, two workers; frame capture time (stamped at publish) to the
\`Detections\` message received by a subscriber, ${latencies.length} frames.

| p50 | p99 |
|---|---|
| ${p50.toFixed(1)} ms | ${p99.toFixed(1)} ms |
`;
  mkdirSync(join(repoRoot, 'docs/benchmarks'), { recursive: true });
  writeFileSync(join(repoRoot, 'docs/benchmarks/detector-pool.md'), report);
  console.log(report);
  if (ratio < TARGET_RATIO) process.exitCode = 1;
}

await main();
