/**
 * Cameras per host: the whole pipeline (ingest, detector workers, tracker, recorder, each its own process, with
 * go2rtc and nats-server) on this machine at 5 fps, cameras added until it no longer keeps up.
 *
 * Every camera is person-walk looped in real time by go2rtc, each started at a different point of the clip
 * so people come and go at different times on different cameras, as they would. For each camera count the
 * services start afresh, warm up (motion calibrates), then for `seconds`:
 *   - dropped: frames ingest published that got no `Detections` (stale, evicted, given up: the bench matches
 *     every frame message it sees on the frames subjects with the detections), plus frames the decoder dropped;
 *   - fps in: frames decoded per camera per second, from ingest's metrics (a worker that falls behind reads
 *     less than 5);
 *   - detection latency: frame capture (ingest) -> its `Detections` on NATS, p50 and p99.
 * A count is sustained with no frame dropped, fps in >= 95 % of 5 and latency p99 <= 250 ms; the goal is 16.
 *
 * Run: node --conditions=shiriki-source --import tsx bench/pipeline-capacity.ts [seconds=30] [counts=4,8,12,16,20]
 *   BENCH_FRAME_FORMAT=jpeg|yuv420p (default jpeg), BENCH_DETECTORS=<workers> (default 2)
 * Writes docs/benchmarks/pipeline-capacity.md (or -yuv420p.md).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectBus, createSubjects, decodeFrame, decodeJson, DetectionsSchema } from '@shiriki/bus';
import { resolveFfmpegPath } from '@shiriki/process';
import {
  assetPath,
  assetsDir,
  loopingFileSource,
  logEntry,
  makeTempDir,
  processTreeCpuSeconds,
  removeTempDir,
  scrapeMetrics,
  sleep,
  spawnService,
  startGo2rtc,
  startNatsServer,
  sumMetric,
  waitFor,
  writeServiceConfig,
  type ServiceProcess,
} from '@shiriki/testing';
import { percentile } from './percentile.js';
import { quietLogger } from './quiet-logger.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.argv[2] ?? 30);
const counts = (process.argv[3] ?? '4,8,12,16,20').split(',').map(Number);
const FORMAT = (process.env.BENCH_FRAME_FORMAT ?? 'jpeg') as 'jpeg' | 'yuv420p';
const DETECTORS = Number(process.env.BENCH_DETECTORS ?? 2);
const DETECT = { width: 640, height: 360, fps: 5 };
const CLIP_SECONDS = 139;
const WARMUP_MS = 20_000;
const LATENCY_P99_MS = 250;
const ffmpeg = resolveFfmpegPath();

interface Step {
  cameras: number;
  published: number;
  detected: number;
  dropped: number;
  decoderDropped: number;
  fpsIn: number;
  p50: number;
  p99: number;
  cpu: Record<string, number>;
  sustained: boolean;
}

const cameraNames = (n: number) => Array.from({ length: n }, (_, i) => `cam-${i}`);

async function step(n: number): Promise<Step> {
  const dir = makeTempDir(`bench-capacity-${n}`);
  const names = cameraNames(n);
  const [nats, go2rtc] = await Promise.all([
    startNatsServer(),
    startGo2rtc({
      streams: Object.fromEntries(
        names.map((name, i) => [
          name,
          loopingFileSource(ffmpeg, assetPath('media/person-walk.mp4'), {
            startS: Math.floor((i * CLIP_SECONDS) / n),
          }),
        ]),
      ),
    }),
  ]);
  const children: { service: string; process: ServiceProcess }[] = [];
  const bus = await connectBus({ servers: [nats.url] }, { logger: quietLogger, name: 'bench-capacity' });
  try {
    const prefix = 'bench';
    const subjects = createSubjects(prefix);
    const configPath = writeServiceConfig(dir, {
      assets_dir: assetsDir(),
      data_dir: join(dir, 'data'),
      nats: { servers: [nats.url], subject_prefix: prefix },
      go2rtc: {
        api_url: go2rtc.apiUrl,
        rtsp_url: `rtsp://127.0.0.1:${go2rtc.rtspPort}`,
        register_streams: false,
      },
      storage: { type: 'local', local: { path: join(dir, 'store') } },
      detect: DETECT,
      ingest: { frames: { format: FORMAT } },
      detector: { intra_op_threads: 1 },
      // info: the ingest logs where its metrics endpoint listens.
      telemetry: { log_level: 'info', metrics_port: 0 },
      cameras: Object.fromEntries(names.map((name) => [name, { source: go2rtc.rtspUrl(name) }])),
    });
    const services = [
      ...Array.from({ length: DETECTORS }, () => 'detector'),
      'tracker',
      'recorder',
      'ingest',
    ];
    for (const service of services) {
      const logFile = join(dir, `${service}-${children.length}.log`);
      children.push({
        service,
        process: await spawnService(service, configPath, logFile),
      });
    }
    const ingest = children.find((c) => c.service === 'ingest')!.process;
    const listening = await waitFor(() => logEntry(ingest.logFile, 'telemetry endpoints listening'), {
      what: 'the ingest metrics endpoint',
      timeoutMs: 60_000,
    });
    const metricsUrl = String(listening.url);
    await sleep(WARMUP_MS);

    const published = new Map<string, number>();
    const detectedAt = new Map<string, number>();
    const latencies: number[] = [];
    let measuring = true;
    const framesSub = bus.nc.subscribe(subjects.framesAll, {
      callback: (error, msg) => {
        if (error || !measuring) return;
        const frame = decodeFrame(msg.data);
        published.set(`${frame.camera}/${frame.sequence}`, frame.captureTime);
      },
    });
    const detectionsSub = bus.nc.subscribe(subjects.detectionsAll, {
      callback: (error, msg) => {
        if (error) return;
        const d = decodeJson(DetectionsSchema, msg.data);
        detectedAt.set(`${d.camera}/${d.sequence}`, Date.now());
      },
    });
    const cpuBefore = children.map((c) => processTreeCpuSeconds(c.process.pid));
    const go2rtcBefore = processTreeCpuSeconds(go2rtc.pid!);
    const natsBefore = processTreeCpuSeconds(nats.pid!);
    const before = await scrapeMetrics(metricsUrl);
    await sleep(seconds * 1000);
    measuring = false;
    const after = await scrapeMetrics(metricsUrl);
    const cpu: Record<string, number> = {};
    children.forEach((c, i) => {
      cpu[c.service] = (cpu[c.service] ?? 0) + processTreeCpuSeconds(c.process.pid) - cpuBefore[i]!;
    });
    cpu['go2rtc'] = processTreeCpuSeconds(go2rtc.pid!) - go2rtcBefore;
    cpu['nats'] = processTreeCpuSeconds(nats.pid!) - natsBefore;
    // Frames published in the window have up to 3 s to be detected.
    await sleep(3000);
    framesSub.unsubscribe();
    detectionsSub.unsubscribe();
    let detected = 0;
    for (const [key, captureTime] of published) {
      const at = detectedAt.get(key);
      if (at === undefined) continue;
      detected += 1;
      latencies.push(at - captureTime);
    }
    const delta = (name: string) => sumMetric(after, name) - sumMetric(before, name);
    const fpsIn = delta('shiriki_ingest_frames_in_total') / seconds / n;
    const decoderDropped = delta('shiriki_ingest_frames_dropped_total');
    const dropped = published.size - detected + decoderDropped;
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const sustained = dropped === 0 && fpsIn >= 0.95 * DETECT.fps && p99 <= LATENCY_P99_MS;
    for (const key of Object.keys(cpu)) cpu[key] = cpu[key]! / seconds;
    return {
      cameras: n,
      published: published.size,
      detected,
      dropped,
      decoderDropped,
      fpsIn,
      p50,
      p99,
      cpu,
      sustained,
    };
  } finally {
    await Promise.all(children.map((c) => c.process.child.stop({ termGraceMs: 10_000 })));
    await bus.drain();
    await Promise.all([nats.dispose(), go2rtc.dispose()]);
    await removeTempDir(dir);
  }
}

const steps: Step[] = [];
for (const n of counts) {
  const result = await step(n);
  steps.push(result);
  console.log(
    `${n} cameras: ${result.published} frames published, ${result.dropped} dropped, fps in ${result.fpsIn.toFixed(2)}, ` +
      `latency p50 ${result.p50.toFixed(0)} ms p99 ${result.p99.toFixed(0)} ms, ${result.sustained ? 'sustained' : 'NOT sustained'}`,
  );
  if (!result.sustained && steps.filter((s) => !s.sustained).length >= 2) break;
}

const best = Math.max(0, ...steps.filter((s) => s.sustained).map((s) => s.cameras));
const cores = (s: Step, key: string) => (s.cpu[key] ?? 0).toFixed(2);
const lines = steps.map(
  (s) =>
    `| ${s.cameras} | ${s.published} | ${s.dropped} | ${s.fpsIn.toFixed(2)} | ${s.p50.toFixed(0)} | ${s.p99.toFixed(0)} | ` +
    `${cores(s, 'ingest')} | ${cores(s, 'detector')} | ${cores(s, 'tracker')} | ${cores(s, 'recorder')} | ${cores(s, 'go2rtc')} | ${cores(s, 'nats')} | ${s.sustained ? 'yes' : 'no'} |`,
);
const report = `# Cameras per host: the whole pipeline at ${DETECT.fps} fps

\`bench/pipeline-capacity.ts\`, ${new Date().toISOString()}; ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}.

Ingest, ${DETECTORS} detector worker(s) (YOLOX-Nano, one intra-op thread each), tracker and recorder, each its own process,
with go2rtc and nats-server, on this one machine. Every camera is person-walk (768x432, 10 fps) looped by go2rtc in
real time, each from another point of the clip; detect ${DETECT.width}x${DETECT.height} at ${DETECT.fps} fps, frames on the bus as **${FORMAT}**,
motion regions, recorder writing segments of every camera. Measured over ${seconds} s after ${WARMUP_MS / 1000} s of warm-up,
the services restarted for each count.

- dropped: frames ingest published with no \`Detections\` within 3 s of the window's end (stale, evicted or
  given up), plus frames ingest's decoder dropped;
- latency: capture (ingest) -> \`Detections\` on NATS;
- CPU in cores (CPU seconds over wall seconds), each service with its ffmpeg children.

| cameras | frames published | dropped | fps in per camera | latency p50 (ms) | latency p99 (ms) | ingest | detectors | tracker | recorder | go2rtc | nats | sustained |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${lines.join('\n')}

**Sustained: ${best} cameras** (no frame dropped, fps in >= 95 % of ${DETECT.fps}, latency p99 <= ${LATENCY_P99_MS} ms); goal >= 16.
Load average at the end: ${loadavg()
  .map((v) => v.toFixed(1))
  .join(', ')}.

Run: \`BENCH_FRAME_FORMAT=${FORMAT} BENCH_DETECTORS=${DETECTORS} node --conditions=shiriki-source --import tsx bench/pipeline-capacity.ts ${seconds} ${counts.join(',')}\`
`;
writeFileSync(
  join(repoRoot, `docs/benchmarks/pipeline-capacity${FORMAT === 'jpeg' ? '' : '-yuv420p'}.md`),
  report,
);
console.log(report);
