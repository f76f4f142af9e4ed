/**
 * Detector pool scaling and latency, with the real service processes (services/detector/src/main.ts, YOLOX-Nano,
 * one intra-op thread each) on a real nats-server.
 *
 * 1. Throughput: frames/s of one worker, then of two workers (separate processes), under a saturating load:
 *    the publisher keeps the shared consumer's backlog topped up with pre-encoded real 640x360 frames of
 *    person-walk (fresh capture times, max_frame_age high enough that nothing is stale). The ratio is
 *    two / one over the medians. Target on 2 cores: >= 1.8.
 * 2. Bare baseline of the same shape: one, then two separate node processes each running a bare
 *    onnxruntime-node `session.run` loop on the same model with the same session options (`sessionOptionsFor`
 *    of the spec the service builds from the same config) and a tensor pre-filled once from a real frame.
 *    Bare scaling = two / one: what two inference processes get over one on this machine, memory bandwidth
 *    and caches included. The pool's scaling divided by it is the share of that parallelism the pool achieves.
 * 3. Latency: frame publish to `Detections` received (capture_time vs receive time in a subscriber) at a
 *    moderate rate (5 fps x 2 cameras) with two workers: p50 and p99.
 *
 * Phases alternate (bare-1, workers-1, bare-2, workers-2, repeated) so outside load on a shared machine hits
 * both sides alike; every figure is the median over repetitions. CPU time of every process of the run (from
 * /proc) and of the whole machine is recorded per phase, so outside load shows up in the report.
 *
 * Run (other benchmark and test runs take the same lock):
 *   flock /tmp/shiriki-bench.lock node --conditions=shiriki-source --import tsx bench/detector-pool.ts \
 *     [measureSeconds=10] [repetitions=3]
 * Writes docs/benchmarks/detector-pool.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connectBus, createSubjects, decodeJson, DetectionsSchema, encodeFrame } from '@shiriki/bus';
import { DEFAULT_JPEG_QUALITY, loadConfig } from '@shiriki/config';
import { modelSpecFromConfig } from '@shiriki/detector';
import { Preprocessor, sessionOptionsFor } from '@shiriki/detector/internal';
import ort from 'onnxruntime-node';
import { JpegSplitter } from '@shiriki/media';
import { resolveFfmpegPath, spawnChild, type ManagedChild } from '@shiriki/process';
import {
  assetPath,
  assetsDir,
  decodeClipFrames,
  makeTempDir,
  processTreeCpuSeconds,
  removeTempDir,
  sleep,
  spawnService,
  startNatsServer,
  writeServiceConfig,
} from '@shiriki/testing';
import { quietLogger } from './quiet-logger.js';

const WIDTH = 640;
const HEIGHT = 360;
const CAMERAS = 8;
/** Undelivered frames the publisher keeps in the consumer during throughput phases. */
const BACKLOG_TARGET = 24;
const WARMUP_MS = 3000;
/** Model runs of a bare process before its measured window. */
const BARE_WARMUP_RUNS = 30;
const TARGET_RATIO = 1.8;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const benchFile = fileURLToPath(import.meta.url);
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

// ---------------------------------------------------------------------------------------------------------
// CPU accounting from /proc.

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
function processCpuSeconds(pid: number | undefined): number {
  return pid === undefined ? 0 : processTreeCpuSeconds(pid);
}

/** Busy CPU seconds of the whole machine so far (everything but idle and iowait), all cores summed. */
function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  void idle;
  void iowait;
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLK_TCK;
}

/** Cores used over a window (CPU seconds / wall seconds) by each group of processes, and by everything else. */
interface CoreUse {
  /** Bare loops or detector workers. */
  inference: number;
  nats: number;
  /** This process: publisher and subscriber. */
  bench: number;
  /** The rest of the machine: other users' jobs. */
  outside: number;
}

function cpuWindow(inferencePids: readonly number[], natsPid: number | undefined) {
  const sample = () => ({
    at: performance.now(),
    inference: inferencePids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0),
    nats: processCpuSeconds(natsPid),
    bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    machine: machineBusySeconds(),
  });
  const start = sample();
  return (): CoreUse => {
    const end = sample();
    const wall = (end.at - start.at) / 1000;
    const inference = (end.inference - start.inference) / wall;
    const nats = (end.nats - start.nats) / wall;
    const bench = (end.bench - start.bench) / wall;
    const machine = (end.machine - start.machine) / wall;
    return { inference, nats, bench, outside: Math.max(0, machine - inference - nats - bench) };
  };
}

// ---------------------------------------------------------------------------------------------------------
// The bare baseline: one child process runs `session.run` in a loop.

/**
 * Child mode: loads the model exactly as the service would from `configPath`, fills the tensor once from the
 * yuv420p frame in `framePath`, warms up, prints `ready`, then waits for a line with the window in ms, runs
 * `session.run` back to back for that long and prints `{ runs, ms }` as JSON.
 */
async function bareChild(configPath: string, framePath: string): Promise<void> {
  const spec = modelSpecFromConfig(await loadConfig(configPath));
  const session = await ort.InferenceSession.create(spec.path, sessionOptionsFor(spec));
  const preprocessor = new Preprocessor(spec);
  const data = preprocessor.allocate() as Float32Array;
  preprocessor.letterbox(
    { width: WIDTH, height: HEIGHT, payload: new Uint8Array(readFileSync(framePath)) },
    { x: 0, y: 0, width: WIDTH, height: HEIGHT },
    data,
  );
  const tensor = new ort.Tensor('float32', data, [...preprocessor.dims]);
  const feeds = { [session.inputNames[0]!]: tensor };
  for (let i = 0; i < BARE_WARMUP_RUNS; i++) await session.run(feeds);
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const windowMs = Number((await lines.next()).value);
  let runs = 0;
  const started = performance.now();
  while (performance.now() - started < windowMs) {
    await session.run(feeds);
    runs += 1;
  }
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ runs, ms })}\n`);
  await session.release();
  process.exit(0);
}

/** Total inferences/s of `count` bare processes measured over the same `ms` window, and their CPU use. */
async function bareLoops(
  count: number,
  ms: number,
  configPath: string,
  framePath: string,
): Promise<{ rate: number; cores: CoreUse }> {
  const children = await Promise.all(
    Array.from({ length: count }, () =>
      spawnChild(
        process.execPath,
        ['--conditions=shiriki-source', '--import', 'tsx', benchFile, '--bare-child', configPath, framePath],
        {
          name: 'bare-onnx',
          cwd: repoRoot,
          env: { ...process.env, NODE_OPTIONS: '' },
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      ),
    ),
  );
  const lines = children.map((child) =>
    createInterface({ input: child.process.stdout! })[Symbol.asyncIterator](),
  );
  const ready = await Promise.all(lines.map((l) => l.next()));
  if (ready.some((r) => r.value !== 'ready')) throw new Error('a bare onnxruntime process did not start');
  const window = cpuWindow(
    children.map((c) => c.pid),
    undefined,
  );
  for (const child of children) child.process.stdin!.write(`${ms}\n`);
  const results = await Promise.all(lines.map((l) => l.next()));
  const cores = window();
  await Promise.all(children.map((c) => c.exited));
  const rate = results.reduce((sum, r) => {
    const { runs, ms: elapsed } = JSON.parse(String(r.value)) as { runs: number; ms: number };
    return sum + (runs * 1000) / elapsed;
  }, 0);
  return { rate, cores };
}

// ---------------------------------------------------------------------------------------------------------
// The pool.

/** `ingest.frames.format` of the frames the publisher sends: jpeg (the default) or yuv420p. */
const FRAME_FORMAT = (process.env.BENCH_FRAME_FORMAT ?? 'jpeg') as 'jpeg' | 'yuv420p';
const JPEG_QUALITY = DEFAULT_JPEG_QUALITY;

/** The same frames as {@link clipFrames}, encoded as ingest's ffmpeg encodes jpeg frames. */
function clipJpegs(count: number): Uint8Array[] {
  const stream = execFileSync(
    resolveFfmpegPath(),
    [
      ...['-v', 'error', '-i', assetPath('media/person-walk.mp4')],
      ...['-vf', `fps=0.5,scale=${WIDTH}:${HEIGHT}`, '-frames:v', String(count)],
      ...['-c:v', 'mjpeg', '-q:v', String(JPEG_QUALITY), '-f', 'image2pipe', 'pipe:1'],
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const jpegs: Uint8Array[] = [];
  new JpegSplitter({ onImage: (jpeg) => jpegs.push(jpeg) }).push(stream);
  return jpegs;
}

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
function encodeAll(pixels: Uint8Array[], pixelFormat: 'jpeg' | 'yuv420p'): Uint8Array[][] {
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
        pixelFormat,
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

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
};
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const medianCores = (uses: CoreUse[]): CoreUse => ({
  inference: median(uses.map((u) => u.inference)),
  nats: median(uses.map((u) => u.nats)),
  bench: median(uses.map((u) => u.bench)),
  outside: median(uses.map((u) => u.outside)),
});

async function main(measureSeconds: number, repetitions: number): Promise<void> {
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
  const pixels = clipFrames(60);
  // A frame with a person in it fills the bare loops' tensor.
  const framePath = join(dir, 'bare-frame.yuv');
  writeFileSync(framePath, pixels[Math.min(10, pixels.length - 1)]!);
  const messages = FRAME_FORMAT === 'jpeg' ? encodeAll(clipJpegs(60), 'jpeg') : encodeAll(pixels, 'yuv420p');
  let sequence = 0;
  let cursor = 0;
  const publishOne = (camera: number): void => {
    const perCamera = messages[camera]!;
    nc.publish(subjects.frames(`cam${camera}`), stamp(perCamera[cursor++ % perCamera.length]!, ++sequence));
  };

  const latencies: number[] = [];
  let received = 0;
  let snapshotsReceived = 0;
  const snapshotSub = nc.subscribe(subjects.snapshotsAll, {
    callback: (error) => {
      if (!error) snapshotsReceived += 1;
    },
  });
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
      const profile = process.env.BENCH_CPU_PROF;
      const { child } = await spawnService('detector', configPath, logFile, {
        nodeArgs: profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
      });
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

  /**
   * Keeps the backlog topped up for `ms`; returns detections per second over the window after warm-up, and
   * the JPEG snapshots published per frame over the same window.
   */
  const saturate = async (
    ms: number,
    workerPids: number[],
  ): Promise<{ rate: number; snapshotShare: number; cores: CoreUse }> => {
    let camera = 0;
    let window: (() => CoreUse) | undefined;
    let startCount = 0;
    let startSnapshots = 0;
    let startAt = 0;
    const started = Date.now();
    while (Date.now() - started < WARMUP_MS + ms) {
      if (!window && Date.now() - started >= WARMUP_MS) {
        window = cpuWindow(workerPids, nats.pid);
        startCount = received;
        startSnapshots = snapshotsReceived;
        startAt = performance.now();
      }
      const info = await jsm.consumers.info(subjects.streams.frames, 'detectors');
      for (let n = info.num_pending; n < BACKLOG_TARGET; n++) publishOne(camera++ % CAMERAS);
      await sleep(50);
    }
    const rate = ((received - startCount) * 1000) / (performance.now() - startAt);
    const snapshotShare = (snapshotsReceived - startSnapshots) / Math.max(1, received - startCount);
    return { rate, snapshotShare, cores: window!() };
  };

  const one: number[] = [];
  const two: number[] = [];
  const bareOne: number[] = [];
  const bareTwo: number[] = [];
  const snapshotShares: number[] = [];
  const cores = {
    bare1: [] as CoreUse[],
    bare2: [] as CoreUse[],
    pool1: [] as CoreUse[],
    pool2: [] as CoreUse[],
  };
  const fmtCores = (c: CoreUse) =>
    `cores: inference ${c.inference.toFixed(2)}, nats ${c.nats.toFixed(2)}, bench ${c.bench.toFixed(2)}, outside ${c.outside.toFixed(2)}`;
  for (let rep = 0; rep < repetitions; rep++) {
    for (const count of [1, 2]) {
      const bare = await bareLoops(count, measureSeconds * 1000, configPath, framePath);
      (count === 1 ? bareOne : bareTwo).push(bare.rate);
      (count === 1 ? cores.bare1 : cores.bare2).push(bare.cores);
      console.log(
        `repetition ${rep + 1}: ${count} bare process(es): ${bare.rate.toFixed(2)} inferences/s (${fmtCores(bare.cores)})`,
      );
      const workers = await spawnWorkers(count);
      const pool = await saturate(
        measureSeconds * 1000,
        workers.map((w) => w.pid),
      );
      (count === 1 ? one : two).push(pool.rate);
      snapshotShares.push(pool.snapshotShare);
      (count === 1 ? cores.pool1 : cores.pool2).push(pool.cores);
      console.log(
        `repetition ${rep + 1}: ${count} worker(s): ${pool.rate.toFixed(2)} frames/s, ${pool.snapshotShare.toFixed(2)} snapshots/frame (${fmtCores(pool.cores)})`,
      );
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
  snapshotSub.unsubscribe();
  await bus.drain();
  await nats.dispose();
  await removeTempDir(dir);

  const ratio = median(two) / median(one);
  const bareRatio = median(bareTwo) / median(bareOne);
  const share = ratio / bareRatio;
  const p50 = quantile(latencies, 0.5);
  const p99 = quantile(latencies, 0.99);
  const cpu = cpus()[0]?.model ?? 'unknown';
  const nproc = execFileSync('nproc').toString().trim();
  const date = execFileSync('date').toString().trim();
  const list = (values: number[]) => values.map((v) => v.toFixed(1)).join(', ');
  const coreRow = (name: string, uses: CoreUse[], rate?: number[]) => {
    const c = medianCores(uses);
    const perFrame = rate ? `${((c.inference * 1000) / median(rate)).toFixed(1)} ms` : '';
    return `| ${name} | ${c.inference.toFixed(2)} | ${c.nats.toFixed(2)} | ${c.bench.toFixed(2)} | ${c.outside.toFixed(2)} | ${perFrame} |`;
  };
  const perRep = (twos: number[], ones: number[]) => twos.map((v, i) => (v / ones[i]!).toFixed(2)).join(', ');
  const verdict = (met: boolean) => (met ? 'met' : 'not met');
  const report = `# Detector pool benchmark

\`BENCH_FRAME_FORMAT=${FRAME_FORMAT} flock /tmp/shiriki-bench.lock node --conditions=shiriki-source --import tsx bench/detector-pool.ts ${measureSeconds} ${repetitions}\`

- Date: ${date}; nproc: ${nproc}; CPU: ${cpu}; Node ${process.version}
- Workers: \`services/detector/src/main.ts\` processes, YOLOX-Nano 416x416, \`intra_op_threads: 1\`,
  \`region_mode: full_frame\` (one model run per frame), 640x360 frames of person-walk.mp4 as
  ${FRAME_FORMAT === 'jpeg' ? `JPEG (ffmpeg mjpeg at -q:v ${JPEG_QUALITY}, as ingest sends them by default; the worker decodes them with libjpeg (WebAssembly) and publishes the frame's JPEG as the snapshot)` : 'raw yuv420p (the worker encodes snapshots)'}; \`BENCH_FRAME_FORMAT\` picks jpeg or yuv420p.
- Bare baseline: separate node processes, each a bare onnxruntime-node \`session.run\` loop on the same model
  with the same session options (\`sessionOptionsFor\` of the spec the service builds from the same config) and a
  tensor pre-filled once from one of the frames; ${BARE_WARMUP_RUNS} warm-up runs, then all processes count runs over
  the same ${measureSeconds} s window.
- Phases alternate (bare-1, workers-1, bare-2, workers-2, repeated ${repetitions} times) so outside load affects both
  sides; figures are medians over repetitions. The machine may be shared with other jobs; the CPU table shows
  how much of it they took.

## Throughput

Pool: the publisher keeps ${BACKLOG_TARGET} undelivered frames in the \`detectors\` consumer (${CAMERAS} cameras, fresh
capture times); frames/s counted from \`Detections\` messages over ${measureSeconds} s after ${WARMUP_MS / 1000} s of warm-up.
JPEG snapshots published per frame over the same windows (every pool phase): ${snapshotShares.map((v) => v.toFixed(2)).join(', ')}
(median ${median(snapshotShares).toFixed(2)}).

| | per repetition | median |
|---|---|---|
| bare, 1 process (inferences/s) | ${list(bareOne)} | ${median(bareOne).toFixed(1)} |
| bare, 2 processes (inferences/s) | ${list(bareTwo)} | ${median(bareTwo).toFixed(1)} |
| pool, 1 worker (frames/s) | ${list(one)} | ${median(one).toFixed(1)} |
| pool, 2 workers (frames/s) | ${list(two)} | ${median(two).toFixed(1)} |

| ratio | value |
|---|---|
| bare scaling: 2 processes / 1 | ${bareRatio.toFixed(2)} |
| **pool scaling: 2 workers / 1** | **${ratio.toFixed(2)}** (target >= ${TARGET_RATIO}: ${verdict(ratio >= TARGET_RATIO)}) |
| pool scaling / bare scaling | ${share.toFixed(2)} |
| per repetition: bare scaling | ${perRep(bareTwo, bareOne)} |
| per repetition: pool scaling | ${perRep(two, one)} |
| **pool 1 worker / bare 1 process** | **${(median(one) / median(bareOne)).toFixed(2)}** (target >= 0.9: ${verdict(median(one) / median(bareOne) >= 0.9)}) |
| **pool 2 workers / bare 2 processes** | **${(median(two) / median(bareTwo)).toFixed(2)}** (target >= 0.95: ${verdict(median(two) / median(bareTwo) >= 0.95)}) |

CPU during the measured windows (cores = CPU seconds / wall seconds, medians; "inference" is the bare processes
or the detector workers, "bench" the publisher and subscriber, "outside" every other process on the machine):

| phase | inference | nats-server | bench | outside | inference CPU per frame |
|---|---|---|---|---|---|
${coreRow('bare, 1 process', cores.bare1, bareOne)}
${coreRow('bare, 2 processes', cores.bare2, bareTwo)}
${coreRow('pool, 1 worker', cores.pool1, one)}
${coreRow('pool, 2 workers', cores.pool2, two)}

Load average at the end: ${loadavg()
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
  writeFileSync(
    join(repoRoot, `docs/benchmarks/detector-pool${FRAME_FORMAT === 'jpeg' ? '' : '-yuv420p'}.md`),
    report,
  );
  console.log(report);
  if (ratio < TARGET_RATIO) process.exitCode = 1;
}

if (process.argv[2] === '--bare-child') {
  await bareChild(process.argv[3]!, process.argv[4]!);
} else {
  await main(Number(process.argv[2] ?? 10), Number(process.argv[3] ?? 3));
}
