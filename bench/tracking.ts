/**
 * Tracking benchmark.
 *
 * 1. Cost per frame: `CameraTracker.push` with 20 people moving at once (synthetic boxes, each person seen in
 *    every frame, a little jitter), after a warm-up; p50, p99 and mean over `frames` frames.
 * 2. Latency from frame capture to the `new` event on the real pipeline: go2rtc (person-walk, looping) ->
 *    ingest -> detector (YOLOX-Nano, one intra-op thread) -> tracker, each its own process, on a real
 *    nats-server. For every `new` event: receipt time in a subscriber minus the capture time of the frame
 *    that made the object real (`frame_time`), and minus the capture time of its first sighting
 *    (`start_time`, which adds `min_initialized_frames` frame intervals).
 *
 * Run: node --conditions=shiriki-source --import tsx bench/tracking.ts [pipelineSeconds=140] [frames=20000]
 * Writes docs/benchmarks/tracking.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ObjectEventSchema, connectBus, createSubjects, decodeJson, type Detections } from '@shiriki/bus';
import { parseConfig } from '@shiriki/config';
import {
  assetsDir,
  collect,
  makeTempDir,
  removeTempDir,
  sleep,
  spawnService,
  startGo2rtc,
  startNatsServer,
  writeServiceConfig,
  type ServiceProcess,
} from '@shiriki/testing';
import { CameraTracker, trackerOptionsFromCamera } from '@shiriki/tracking';
import { percentile } from './percentile.js';
import { quietLogger } from './quiet-logger.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const pipelineSeconds = Number(process.argv[2] ?? 140);
const frames = Number(process.argv[3] ?? 20_000);
const OBJECTS = 20;

function trackingCost(): { p50: number; p99: number; mean: number; objects: number } {
  const config = parseConfig(
    JSON.stringify({
      cameras: { bench: { source: 'rtsp://127.0.0.1:8554/bench' } },
      detect: { width: 1280, height: 720, fps: 10 },
      storage: { type: 'local' },
    }),
  );
  const tracker = new CameraTracker(trackerOptionsFromCamera(config.cameras.bench!));
  // 20 people on a 5 x 4 grid, each walking its own way and bouncing off the borders.
  const people = Array.from({ length: OBJECTS }, (_, i) => ({
    x: 40 + (i % 5) * 240,
    y: 30 + Math.floor(i / 5) * 170,
    vx: ((i * 7) % 11) - 5,
    vy: ((i * 5) % 7) - 3,
  }));
  let seed = 1;
  const jitter = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return (seed / 2 ** 31 - 0.5) * 4;
  };
  const times: number[] = [];
  const warmup = 500;
  for (let f = 0; f < warmup + frames; f++) {
    for (const p of people) {
      p.x += p.vx;
      p.y += p.vy;
      if (p.x < 0 || p.x > 1280 - 60) p.vx = -p.vx;
      if (p.y < 0 || p.y > 720 - 150) p.vy = -p.vy;
    }
    const detections: Detections = {
      camera: 'bench',
      sequence: f + 1,
      capture_time: 1_700_000_000_000 + f * 100,
      width: 1280,
      height: 720,
      detections: people.map((p) => ({
        label: 'person',
        label_id: 0,
        score: 0.85,
        box: [p.x + jitter(), p.y + jitter(), p.x + 60 + jitter(), p.y + 150 + jitter()],
      })),
      model: 'bench',
      worker: 'bench',
      inference_ms: 1,
      region_count: 1,
    };
    const started = performance.now();
    tracker.push(detections);
    const elapsed = performance.now() - started;
    if (f >= warmup) times.push(elapsed);
  }
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    objects: tracker.stats().realObjects,
  };
}

interface Latency {
  fromFrame: number[];
  fromStart: number[];
  events: number;
}

async function pipelineLatency(): Promise<Latency> {
  const dir = makeTempDir('bench-tracking');
  const [nats, go2rtc] = await Promise.all([startNatsServer(), startGo2rtc()]);
  const children: ServiceProcess[] = [];
  const bus = await connectBus({ servers: [nats.url] }, { logger: quietLogger, name: 'bench-tracking' });
  const nc = bus.nc;
  try {
    const prefix = 'bench';
    const subjects = createSubjects(prefix);
    const configPath = writeServiceConfig(dir, {
      assets_dir: assetsDir(),
      nats: { servers: [nats.url], subject_prefix: prefix },
      go2rtc: {
        api_url: go2rtc.apiUrl,
        rtsp_url: `rtsp://127.0.0.1:${go2rtc.rtspPort}`,
        register_streams: false,
      },
      storage: { type: 'local', local: { path: join(dir, 'store') } },
      detect: { width: 640, height: 360, fps: 5 },
      detector: { intra_op_threads: 1 },
      telemetry: { log_level: 'warn', metrics_port: 0 },
      cameras: { 'person-walk': { source: go2rtc.rtspUrl('person-walk') } },
    });
    const { messages: received } = collect(nc, subjects.eventsAll, (msg) => ({
      event: decodeJson(ObjectEventSchema, msg.data),
      at: Date.now(),
    }));
    for (const service of ['detector', 'tracker', 'ingest']) {
      children.push(await spawnService(service, configPath, join(dir, `${service}.log`)));
      // Give the detector (model load) and tracker time to subscribe before frames flow.
      if (service !== 'ingest') await sleep(6000);
    }
    await sleep(pipelineSeconds * 1000);
    const news = received.filter((r) => r.event.type === 'new');
    return {
      fromFrame: news.map((r) => r.at - (r.event.frame_time ?? r.event.start_time)),
      fromStart: news.map((r) => r.at - r.event.start_time),
      events: news.length,
    };
  } finally {
    for (const { child } of children.reverse()) await child.stop({ termGraceMs: 5000 });
    await bus.drain();
    await Promise.all([nats.dispose(), go2rtc.dispose()]);
    await removeTempDir(dir);
  }
}

const cost = trackingCost();
console.log(
  `push with ${OBJECTS} objects: p50 ${cost.p50.toFixed(3)} ms, p99 ${cost.p99.toFixed(3)} ms, mean ${cost.mean.toFixed(3)} ms`,
);
const latency = await pipelineLatency();
const fmt = (values: number[], p: number) => (values.length ? percentile(values, p).toFixed(0) : 'n/a');
console.log(
  `new events: ${latency.events}; capture->new p50 ${fmt(latency.fromFrame, 50)} ms p99 ${fmt(latency.fromFrame, 99)} ms`,
);

const cpu = cpus()[0]?.model ?? 'unknown';
const date = new Date().toISOString().slice(0, 10);
const report = `# Tracking benchmark

\`bench/tracking.ts\`.

- Date: ${date}
- Machine: ${cpus().length} CPUs (nproc), ${cpu}; load average at the end ${loadavg()[0]!.toFixed(1)} (shared with other jobs)
- Node ${process.version}

## Cost per frame (pure \`CameraTracker.push\`)

${OBJECTS} people moving at once (1280x720, every person detected in every frame, jittered boxes), ${frames} frames
after 500 warm-up frames; ${cost.objects} real objects at the end.

| p50 (ms) | p99 (ms) | mean (ms) |
| ---: | ---: | ---: |
| ${cost.p50.toFixed(3)} | ${cost.p99.toFixed(3)} | ${cost.mean.toFixed(3)} |

## Frame capture to \`new\` event (real pipeline)

go2rtc (person-walk) -> ingest -> detector (YOLOX-Nano, 1 intra-op thread) -> tracker, each its own process, on
one nats-server; detect 640x360 at 5 fps; ${pipelineSeconds} s (about one loop of the clip). Receipt of each
\`new\` event in a subscriber minus the capture time of the frame that made the object real (\`frame_time\`;
includes ingest publish, detection, the tracker's reorder buffer and the JetStream publish), and minus the first
sighting (\`start_time\`; adds \`min_initialized_frames\` frames at 5 fps).

| \`new\` events | from frame_time p50 (ms) | p99 (ms) | from start_time p50 (ms) | p99 (ms) |
| ---: | ---: | ---: | ---: | ---: |
| ${latency.events} | ${fmt(latency.fromFrame, 50)} | ${fmt(latency.fromFrame, 99)} | ${fmt(latency.fromStart, 50)} | ${fmt(latency.fromStart, 99)} |

With few appearances per loop (6), p99 is the worst case of the run.

Run: \`node --conditions=shiriki-source --import tsx bench/tracking.ts [pipelineSeconds=140] [frames=20000]\`
`;
writeFileSync(join(repoRoot, 'docs/benchmarks/tracking.md'), report);
console.log(readFileSync(join(repoRoot, 'docs/benchmarks/tracking.md'), 'utf8'));
