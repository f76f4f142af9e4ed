/**
 * Motion detector cost per 640x360 frame on real footage, against a bare pass that reads the frame's luma plane
 * once (a plain byte loop summing its 230,400 bytes: the cost of touching the frame at all), in two forms: on
 * the frame's luma plane (raw frames: the detector area-downscales it itself) and on the gray image at the
 * analysis size that ingest's ffmpeg sends with jpeg frames. Targets: <= 0.3 ms and <= 1.5x the bare read.
 *
 * The machine is usually shared, so baseline and detector are interleaved in slices of 50 frames (alternating
 * which goes first) and the report gives medians over several repetitions. The ratio is the median of the
 * per-repetition ratios; since both sides of each ratio ran side by side, it cancels most outside load.
 *
 * Run: node --conditions=shiriki-source --import tsx bench/motion.ts [frames=2000] [repetitions=7]
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MotionDetector, motionAnalysisSize } from '@shiriki/motion';
import { resolveFfmpegPath } from '@shiriki/process';

const WIDTH = 640;
const HEIGHT = 360;
const FRAME_BYTES = WIDTH * HEIGHT;
const SOURCE_SECONDS = 40;
/** Target cost of one frame's motion detection on one core, and as a multiple of the bare read. */
const TARGET_MS = 0.3;
const TARGET_RATIO = 1.5;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const assetsDir = process.env.SHIRIKI_ASSETS_DIR ?? join(repoRoot, '..', 'shared', 'assets');
const totalFrames = Number(process.argv[2] ?? 2000);
const repetitions = Number(process.argv[3] ?? 7);

const small = motionAnalysisSize(WIDTH, HEIGHT);
const frames = decodeGray(join(assetsDir, 'media', 'person-walk.mp4'), WIDTH, HEIGHT);
// What ingest's ffmpeg sends with jpeg frames: the area-scaled gray image at the analysis size.
const smallFrames = decodeGray(
  join(assetsDir, 'media', 'person-walk.mp4'),
  small.width,
  small.height,
  ':flags=area',
);
// Play the clip forwards then backwards so the sequence has no cut that would trip the lightning guard.
const order = Array.from({ length: totalFrames }, (_, i) => {
  const period = 2 * frames.length - 2;
  const phase = i % period;
  return phase < frames.length ? phase : period - phase;
});

/** Frames per timed slice: the runners take turns every slice, so all see the same load. */
const SLICE = 50;
let checksum = 0;
const motionFrames = { frame: 0, analysis: 0 };

/** The baseline: every luma byte of the full frame read once, with the plainest loop. */
function sumLuma(frame: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < FRAME_BYTES; i++) sum += frame[i]!;
  return sum;
}

type Runner = (from: number, to: number) => void;

const runBaseline: Runner = (from, to) => {
  for (let i = from; i < to; i++) checksum += sumLuma(frames[order[i]!]!);
};

function detectorRunner(planes: 'frame' | 'analysis'): Runner {
  const detector = new MotionDetector(WIDTH, HEIGHT, {}, planes);
  const source = planes === 'frame' ? frames : smallFrames;
  motionFrames[planes] = 0;
  return (from, to) => {
    for (let i = from; i < to; i++) {
      if (detector.detect(source[order[i]!]!).boxes.length > 0) motionFrames[planes]++;
    }
  };
}

/** One pass over all frames per runner (fresh detectors); milliseconds per runner. */
function repetition(): number[] {
  const runners = [runBaseline, detectorRunner('frame'), detectorRunner('analysis')];
  const totals = runners.map(() => 0);
  for (let from = 0, slice = 0; from < totalFrames; from += SLICE, slice++) {
    const to = Math.min(totalFrames, from + SLICE);
    for (let k = 0; k < runners.length; k++) {
      const index = (k + slice) % runners.length;
      const t0 = process.hrtime.bigint();
      runners[index]!(from, to);
      totals[index]! += Number(process.hrtime.bigint() - t0) / 1e6;
    }
  }
  return totals;
}

repetition(); // warm-up: lets the JIT settle on every loop before anything is timed
const baselineMs: number[] = [];
const frameMs: number[] = [];
const analysisMs: number[] = [];
const frameRatios: number[] = [];
const analysisRatios: number[] = [];
for (let rep = 0; rep < repetitions; rep++) {
  const [base, full, analysis] = repetition() as [number, number, number];
  baselineMs.push(base / totalFrames);
  frameMs.push(full / totalFrames);
  analysisMs.push(analysis / totalFrames);
  frameRatios.push(full / base);
  analysisRatios.push(analysis / base);
}

const baseline = median(baselineMs);
console.log(
  `frames: ${totalFrames} x ${repetitions} repetitions (${frames.length} decoded, ${WIDTH}x${HEIGHT} and ` +
    `${small.width}x${small.height} gray), motion in ${motionFrames.frame} (frame planes), ${motionFrames.analysis} (analysis planes)`,
);
console.log(
  `baseline (sum of the ${WIDTH}x${HEIGHT} luma): ${baseline.toFixed(4)} ms/frame median, ${range(baselineMs)} (checksum ${checksum % 1000})`,
);
for (const [name, ms, ratios] of [
  [`MotionDetector, ${WIDTH}x${HEIGHT} luma planes`, frameMs, frameRatios],
  [`MotionDetector, ${small.width}x${small.height} planes (jpeg frames)`, analysisMs, analysisRatios],
] as const) {
  const m = median([...ms]);
  const ratio = median([...ratios]);
  console.log(
    `${name}: ${m.toFixed(4)} ms/frame median, ${range([...ms])}; ${ratio.toFixed(2)}x the baseline ` +
      `(${range([...ratios], 2)}); ${Math.round(1000 / m)} frames/s per core; ` +
      `target <= ${TARGET_MS} ms ${m <= TARGET_MS ? 'met' : 'MISSED'}, <= ${TARGET_RATIO}x ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'}`,
  );
}
console.log(`host: ${cpus().length} cpus, ${cpus()[0]?.model ?? 'unknown'}, node ${process.version}`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function range(values: number[], digits = 4): string {
  return `range ${Math.min(...values).toFixed(digits)}..${Math.max(...values).toFixed(digits)}`;
}

function decodeGray(path: string, width: number, height: number, scaleFlags = ''): Uint8Array[] {
  const bytes = width * height;
  const raw = execFileSync(
    resolveFfmpegPath(),
    [
      '-v',
      'error',
      '-t',
      String(SOURCE_SECONDS),
      '-i',
      path,
      '-vf',
      `scale=${width}:${height}${scaleFlags}`,
      '-pix_fmt',
      'gray',
      '-f',
      'rawvideo',
      'pipe:1',
    ],
    { maxBuffer: SOURCE_SECONDS * 30 * bytes },
  );
  const result: Uint8Array[] = [];
  for (let offset = 0; offset + bytes <= raw.length; offset += bytes) {
    result.push(new Uint8Array(raw.buffer, raw.byteOffset + offset, bytes));
  }
  return result;
}
