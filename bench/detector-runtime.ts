/**
 * Detector runtime overhead: frames/s of `ObjectDetector.detect` (full frame, YOLOX-Nano, 768x432 yuv420p
 * frames of person-walk, two overlapping callers as in the worker) against a bare onnxruntime-node `session.run` loop on the same model with a pre-filled
 * tensor and the same session options. The ratio (target >= 0.90) is what pre-processing, decoding, NMS and
 * bookkeeping cost on top of the model itself.
 *
 * Baseline and detector alternate in slices (alternating which goes first) so both see the same machine load;
 * the ratio is the median of per-repetition ratios. Runs with intra_op_threads 1 and 2 and writes
 * docs/benchmarks/detector.md.
 *
 * Run: node --conditions=shiriki-source --import tsx bench/detector-runtime.ts [slice=25] [repetitions=7]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ObjectDetector, modelSpecFromConfig, type DetectFrame } from '@shiriki/detector';
import { Preprocessor, sessionOptionsFor } from '@shiriki/detector/internal';
import { parseConfig } from '@shiriki/config';
import ort from 'onnxruntime-node';
import { assetPath, assetsDir, decodeClipFrames } from '@shiriki/testing';

const WIDTH = 768;
const HEIGHT = 432;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const slice = Number(process.argv[2] ?? 25);
const repetitions = Number(process.argv[3] ?? 7);

function decodeFrames(): DetectFrame[] {
  // One frame per second from t = 5 s to 64 s: people and empty room alike.
  const pixels = decodeClipFrames(assetPath('media/person-walk.mp4'), {
    width: WIDTH,
    height: HEIGHT,
    fps: 1,
    from: 5,
    duration: 60,
  });
  return pixels.map((payload) => ({
    width: WIDTH,
    height: HEIGHT,
    pixelFormat: 'yuv420p' as const,
    payload,
    motionBoxes: [],
  }));
}

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface Result {
  threads: number;
  bareFps: number;
  detectorFps: number;
  ratio: number;
  preprocessMs: number;
  runMs: number;
  postprocessMs: number;
  detections: number;
}

async function measure(frames: DetectFrame[], threads: number): Promise<Result> {
  const config = parseConfig(
    JSON.stringify({
      assets_dir: assetsDir(),
      cameras: { bench: { source: 'rtsp://127.0.0.1:8554/bench' } },
      storage: { type: 'local' },
      detector: { intra_op_threads: threads, inter_op_threads: 1 },
    }),
  );
  const s = modelSpecFromConfig(config);
  const detector = await ObjectDetector.load(s);
  const session = await ort.InferenceSession.create(s.path, sessionOptionsFor(s));
  // The bare loop's tensor holds a real letterboxed frame, filled once.
  const prefilled = new Preprocessor(s);
  const data = prefilled.allocate() as Float32Array;
  prefilled.letterbox(frames[0]!, { x: 0, y: 0, width: WIDTH, height: HEIGHT }, data);
  const tensor = new ort.Tensor('float32', data, [1, 3, s.height, s.width]);
  const feeds = { [session.inputNames[0]!]: tensor };
  let frameIndex = 0;
  const stages = { preprocessMs: 0, runMs: 0, postprocessMs: 0, calls: 0, detections: 0 };

  const bare = async (): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < slice; i++) await session.run(feeds);
    return performance.now() - t0;
  };
  // Two overlapping callers, as the detector worker's two slots: one frame is letterboxed while the other is
  // in the model on the inference thread.
  const caller = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const result = await detector.detect(frames[frameIndex++ % frames.length]!, {
        regionMode: 'full_frame',
      });
      stages.preprocessMs += result.stages?.preprocessMs ?? 0;
      stages.runMs += result.stages?.runMs ?? 0;
      stages.postprocessMs += result.stages?.postprocessMs ?? 0;
      stages.calls++;
      stages.detections += result.detections.length;
    }
  };
  const detect = async (): Promise<number> => {
    const t0 = performance.now();
    await Promise.all([caller(Math.ceil(slice / 2)), caller(Math.floor(slice / 2))]);
    return performance.now() - t0;
  };

  await bare();
  await detect(); // warm-up of both paths
  Object.assign(stages, { preprocessMs: 0, runMs: 0, postprocessMs: 0, calls: 0, detections: 0 });
  const ratios: number[] = [];
  const bareMs: number[] = [];
  const detectMs: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    let b: number;
    let d: number;
    if (r % 2 === 0) {
      b = await bare();
      d = await detect();
    } else {
      d = await detect();
      b = await bare();
    }
    bareMs.push(b);
    detectMs.push(d);
    ratios.push(b / d);
  }
  await detector.close();
  await session.release();
  return {
    threads,
    bareFps: (1000 * slice) / median(bareMs),
    detectorFps: (1000 * slice) / median(detectMs),
    ratio: median(ratios),
    preprocessMs: stages.preprocessMs / stages.calls,
    runMs: stages.runMs / stages.calls,
    postprocessMs: stages.postprocessMs / stages.calls,
    detections: stages.detections / stages.calls,
  };
}

const frames = decodeFrames();
console.log(
  `${frames.length} frames of ${WIDTH}x${HEIGHT}; ${repetitions} repetitions of ${slice}-frame slices`,
);
const results: Result[] = [];
for (const threads of [1, 2]) {
  const r = await measure(frames, threads);
  results.push(r);
  console.log(
    `intra_op_threads=${threads}: bare ${r.bareFps.toFixed(1)} fps, detector ${r.detectorFps.toFixed(1)} fps, ` +
      `ratio ${r.ratio.toFixed(3)} (target >= 0.90); per frame: preprocess ${r.preprocessMs.toFixed(2)} ms, ` +
      `run ${r.runMs.toFixed(2)} ms, postprocess ${r.postprocessMs.toFixed(3)} ms`,
  );
}

const cpuModel = cpus()[0]?.model.trim() ?? 'unknown';
const rows = results.map(
  (r) =>
    `| ${r.threads} | ${r.bareFps.toFixed(1)} | ${r.detectorFps.toFixed(1)} | **${r.ratio.toFixed(3)}** | ${r.preprocessMs.toFixed(2)} | ${r.runMs.toFixed(2)} | ${r.postprocessMs.toFixed(3)} |`,
);
const doc = `# Detector runtime benchmark

\`bench/detector-runtime.ts\`: frames/s of \`ObjectDetector.detect\` (full frame, YOLOX-Nano 416x416, ${frames.length}
frames of person-walk at ${WIDTH}x${HEIGHT} yuv420p, decoded beforehand; two overlapping callers, as the worker's two
slots, so one frame is letterboxed while the other is in the model on the inference thread) divided by a bare onnxruntime-node
\`session.run\` loop on the same model with a pre-filled tensor and the same session options
(\`sessionOptionsFor\`, inter_op_threads 1). Baseline and detector alternate in ${slice}-frame slices; figures are
medians of ${repetitions} repetitions. Target ratio: >= 0.90.

- Date: ${new Date().toISOString().slice(0, 10)}
- Machine: ${cpus().length} CPUs (nproc), ${cpuModel}; shared with other jobs, so absolute frames/s vary between runs
- onnxruntime-node 1.30.0 (CPU), Node ${process.version}

| intra_op_threads | bare session.run (fps) | ObjectDetector.detect (fps) | ratio | preprocess (ms) | run (ms) | postprocess (ms) |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Per-stage times are means per frame inside \`detect\`: preprocess = yuv420p -> letterboxed BGR float tensor in one
pass (nearest sampling, main thread), run = \`session.run\` on the inference thread, postprocess = mapping the
candidates (decoded on the inference thread) to frame pixels and NMS.

Run: \`node --conditions=shiriki-source --import tsx bench/detector-runtime.ts [slice=25] [repetitions=7]\`
`;
mkdirSync(join(repoRoot, 'docs', 'benchmarks'), { recursive: true });
writeFileSync(join(repoRoot, 'docs', 'benchmarks', 'detector.md'), doc);
console.log('wrote docs/benchmarks/detector.md');
