/**
 * Recorder benchmark.
 *
 * 1. CPU: a bare `ffmpeg -rtsp_transport tcp -i <go2rtc> -c copy -f segment ...` run for `seconds`, then the
 *    recorder service (one camera) for the same time while events come and go: utime+stime from
 *    /proc/<pid>/stat of the node process, its live ffmpeg children and its reaped children (cutime+cstime).
 * 2. Latency from an event's end to its ClipReady (clip and metadata in MinIO), p50/p99 over the events.
 *
 * Run: node --conditions=shiriki-source --import tsx bench/recorder.ts [seconds=60]
 * Writes docs/benchmarks/recorder.md.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ClipReadySchema,
  ObjectEventSchema,
  connectBus,
  createSubjects,
  decodeJson,
  encodeJson,
} from '@shiriki/bus';
import { resolveFfmpegPath, spawnChild } from '@shiriki/process';
import {
  assetPath,
  loopingFileSource,
  makeTempDir,
  removeTempDir,
  startGo2rtc,
  startMinio,
  startNatsServer,
} from '@shiriki/testing';
import {
  objectEvent,
  recorderConfigObject,
  spawnRecorder,
  writeConfig,
} from '@shiriki/recorder-service/test-harness';
import type { LogSink } from '@shiriki/telemetry';

const seconds = Number(process.argv[2] ?? 60);
const CAMERA = 'person-walk';
const POST_S = 3;
const TICK = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuOf(pid: number): { own: number; reaped: number } {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // fields[0] is state (field 3): utime is field 14, stime 15, cutime 16, cstime 17.
    const n = (i: number) => Number(fields[i - 3]);
    return { own: (n(14) + n(15)) / TICK, reaped: (n(16) + n(17)) / TICK };
  } catch {
    return { own: 0, reaped: 0 };
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.split(') ')[1]!.split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** CPU seconds of a process tree: own + reaped children + live children. */
function treeCpu(pid: number, live: Map<number, number>): number {
  const root = cpuOf(pid);
  let total = root.own + root.reaped;
  for (const child of childrenOf(pid)) live.set(child, cpuOf(child).own);
  for (const value of live.values()) total += value;
  return total;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

const dir = makeTempDir('bench-recorder');
const [nats, minio, go2rtc] = await Promise.all([
  startNatsServer(),
  startMinio(),
  startGo2rtc({
    streams: { [CAMERA]: loopingFileSource(resolveFfmpegPath(), assetPath('media/person-walk.mp4')) },
  }),
]);
try {
  const url = go2rtc.rtspUrl(CAMERA);
  // 1. Bare segmenter.
  const bare = await spawnChild(resolveFfmpegPath(), [
    ...['-hide_banner', '-nostats', '-loglevel', 'warning', '-rtsp_transport', 'tcp', '-i', url],
    ...['-map', '0:v:0', '-c', 'copy', '-f', 'segment', '-segment_time', '2', '-reset_timestamps', '1'],
    ...['-segment_format', 'mpegts', join(dir, 'bare-%06d.ts')],
  ]);
  await sleep(3000);
  const bareStart = cpuOf(bare.pid).own;
  await sleep(seconds * 1000);
  const bareCpu = cpuOf(bare.pid).own - bareStart;
  await bare.stop({ quitInput: 'q' });

  // 2. Recorder with events.
  const prefix = 'bench';
  const subjects = createSubjects(prefix);
  const configPath = writeConfig(
    dir,
    recorderConfigObject({
      natsUrl: nats.url,
      prefix,
      minio,
      bucket: 'bench',
      rtspBase: `rtsp://127.0.0.1:${go2rtc.rtspPort}`,
      dir,
    }),
  );
  const quiet: LogSink = {
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    debug: () => undefined,
  };
  const bus = await connectBus({ servers: [nats.url] }, { logger: quiet, name: 'bench' });
  const { nc, js } = bus;
  const received = new Map<string, number>();
  const sub = nc.subscribe(subjects.clipsAll);
  void (async () => {
    for await (const m of sub) received.set(decodeJson(ClipReadySchema, m.data).event_id, Date.now());
  })();
  const recorder = await spawnRecorder(configPath, join(dir, 'recorder.log'));
  const ringDir = join(dir, 'ring', CAMERA);
  for (let i = 0; i < 120; i++) {
    await sleep(500);
    try {
      if (readdirSync(ringDir).filter((f) => /^\d+-\d+\.ts$/.test(f)).length >= 3) break;
    } catch {
      /* not yet */
    }
  }
  const live = new Map<number, number>();
  const liveStart = new Map<number, number>();
  const recStart = treeCpu(recorder.pid, liveStart);
  const ends = new Map<string, number>();
  const began = Date.now();
  let n = 0;
  while (Date.now() - began < seconds * 1000) {
    const id = `bench-${n++}`;
    const start = Date.now();
    await js.publish(
      subjects.events(CAMERA, 'person'),
      encodeJson(ObjectEventSchema, objectEvent('new', id, start)),
    );
    await sleep(5000);
    const end = Date.now();
    await js.publish(
      subjects.events(CAMERA, 'person'),
      encodeJson(ObjectEventSchema, objectEvent('end', id, start, end)),
    );
    ends.set(id, end);
    await sleep(2000);
  }
  const recEnd = treeCpu(recorder.pid, live);
  for (const [pid, value] of liveStart) if (!live.has(pid)) live.set(pid, value);
  const elapsed = (Date.now() - began) / 1000;
  await sleep((POST_S + 15) * 1000);
  const recCpu = recEnd - recStart;
  await recorder.stop({ quitInput: undefined, termGraceMs: 25_000 });
  await bus.drain();
  const latencies = [...ends].flatMap(([id, end]) =>
    received.has(id) ? [(received.get(id)! - end) / 1000] : [],
  );
  const cpu = cpus()[0]?.model ?? 'unknown';
  const lines = [
    '# Recorder benchmark',
    '',
    `Date: ${new Date().toISOString().slice(0, 10)}; nproc ${cpus().length}; CPU ${cpu}; Node ${process.version};`,
    `ffmpeg 4.1 static. One camera: go2rtc looping person-walk.mp4 (768x432, 10 fps, H.264 ~190 kb/s), 2 s segments,`,
    `pre/post capture 3 s / ${POST_S} s, MinIO and nats-server on the same host. Run: \`node --conditions=shiriki-source --import tsx bench/recorder.ts ${seconds}\`.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| bare ffmpeg segmenter, CPU over ${seconds} s | ${bareCpu.toFixed(2)} s (${((100 * bareCpu) / seconds).toFixed(2)} % of a core) |`,
    `| recorder (node + ffmpeg segmenter + clip cuts), CPU over ${elapsed.toFixed(0)} s with ${ends.size} events | ${recCpu.toFixed(2)} s (${((100 * recCpu) / elapsed).toFixed(2)} % of a core) |`,
    `| recorder / bare segmenter | ${(recCpu / elapsed / (bareCpu / seconds)).toFixed(1)} x |`,
    `| events / clips announced | ${ends.size} / ${latencies.length} |`,
    `| event end -> ClipReady (clip + metadata in MinIO), p50 | ${percentile(latencies, 50).toFixed(2)} s |`,
    `| event end -> ClipReady, p99 | ${percentile(latencies, 99).toFixed(2)} s |`,
    `| target | <= post_capture + 2 s = ${POST_S + 2} s |`,
    '',
    'The segmenter flushes every packet, so a clip is cut as soon as the segment still being written holds',
    '`end + post_capture` (its last write is past it), not when that segment closes at the next keyframe; the',
    'bare segmenter runs without that flush, so its extra writes count against the recorder.',
    "The recorder's own CPU is mostly node's baseline (NATS client, KV heartbeats, timers) plus one short",
    '`ffmpeg -c copy` per clip; the segmenter itself costs what the bare run costs.',
    '',
  ];
  const out = join(fileURLToPath(new URL('..', import.meta.url)), 'docs/benchmarks/recorder.md');
  writeFileSync(out, lines.join('\n'));
  console.log(lines.join('\n'));
} finally {
  await Promise.all([nats.dispose(), minio.dispose(), go2rtc.dispose()]);
  await removeTempDir(dir);
}
