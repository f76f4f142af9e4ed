/**
 * Frames on the bus, A/B in one run: person-walk decoded by ingest's own decoder (`FfmpegDecoder`) at 640x360
 * and 5 fps as raw yuv420p frames and as JPEGs at several ffmpeg qualities (with the small gray motion image
 * of the same ffmpeg), each path then run as the pipeline runs it: motion on the luma plane (raw) or on the
 * gray image (jpeg), YOLOX-Nano on the motion regions (the JPEG decoded to RGB first), the detections replayed
 * through `CameraTracker`.
 *
 * Per path: bytes of the frame message against raw yuv420p, `new` person events against the truth intervals,
 * and recall of the truth boxes (IoU >= 0.5, person >= 0.5) on the truth's frames, detected on the whole
 * frame (the picture alone) and as the pipeline does (motion regions). Goal: <= 15 % of raw bytes, the same
 * events, recall within 1 point of raw.
 *
 * Run: node --conditions=shiriki-source --import tsx bench/frame-format.ts [quality...]
 * Writes docs/benchmarks/frame-format.md.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeFrame, type Detection, type FrameHeader } from '@shiriki/bus';
import { parseConfig } from '@shiriki/config';
import { ObjectDetector, modelSpecFromConfig, type DetectFrame } from '@shiriki/detector';
import { iou, type Box } from '@shiriki/geometry';
import { FfmpegDecoder, type DecodedFrame } from '@shiriki/media';
import { MotionDetector, motionAnalysisSize } from '@shiriki/motion';
import { decodeJpegToRgba } from '@shiriki/snapshots';
import { assetPath, assetsDir } from '@shiriki/testing';
import { quietLogger } from './quiet-logger.js';
import {
  readPersonWalkTruth,
  replayNewEvents,
  scoreAppearances,
  type DetectedFrame,
} from './person-walk-truth.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const DETECT = { width: 640, height: 360, fps: 5 };
const CLIP = assetPath('media/person-walk.mp4');
const SOURCE_SCALE = DETECT.width / 768;
const qualities = process.argv.slice(2).map(Number);
if (qualities.length === 0) qualities.push(2, 4, 6, 8);

interface Path {
  name: string;
  frames: DecodedFrame[];
  jpeg: boolean;
}

/** Every frame ingest's decoder gives for the whole clip, as fast as ffmpeg decodes it. */
async function decodeAll(jpegQuality: number | undefined): Promise<DecodedFrame[]> {
  const motion = motionAnalysisSize(DETECT.width, DETECT.height);
  const frames: DecodedFrame[] = [];
  let ended!: () => void;
  const done = new Promise<void>((resolve) => (ended = resolve));
  const decoder = new FfmpegDecoder({
    decode: {
      inputUrl: CLIP,
      ...DETECT,
      ...(jpegQuality === undefined
        ? {}
        : { jpeg: { quality: jpegQuality, motionWidth: motion.width, motionHeight: motion.height } }),
    },
    logger: quietLogger,
    onFrame: (frame) => void frames.push({ ...frame, data: frame.data.slice() }),
  });
  decoder.on('exit', () => ended());
  await decoder.start();
  await done;
  await decoder.stop();
  return frames;
}

const header: FrameHeader = {
  camera: 'bench',
  producer: 'bench-ingest',
  producerEpoch: 1,
  sequence: 1,
  captureTime: Date.now(),
  width: DETECT.width,
  height: DETECT.height,
  pixelFormat: 'yuv420p',
  hasMotion: true,
  trackingRefresh: false,
  motionBoxes: [[100, 50, 300, 350]],
};

async function picture(path: Path, frame: DecodedFrame, boxes: readonly Box[]): Promise<DetectFrame> {
  const base = { width: DETECT.width, height: DETECT.height, motionBoxes: boxes };
  if (!path.jpeg) return { ...base, pixelFormat: 'yuv420p', payload: frame.data };
  return { ...base, pixelFormat: 'rgba', payload: (await decodeJpegToRgba(frame.jpeg!, DETECT)).data };
}

interface Result {
  name: string;
  frames: number;
  messageBytes: number;
  events: number;
  missed: number;
  outside: number;
  extra: number;
  recallFull: number;
  recallPipeline: number;
  truthBoxes: number;
  jpegDecodeMs: number;
}

function matched(detections: readonly Detection[], truthBoxes: readonly Box[]): number {
  const persons = detections.filter((d) => d.label === 'person' && d.score >= 0.5);
  return truthBoxes.filter((t) => persons.some((d) => iou(d.box, t) >= 0.5)).length;
}

const config = parseConfig(
  JSON.stringify({
    assets_dir: assetsDir(),
    cameras: { bench: { source: 'rtsp://127.0.0.1:8554/bench' } },
    storage: { type: 'local' },
    detector: { intra_op_threads: 1, inter_op_threads: 1 },
  }),
);
const detector = await ObjectDetector.load(modelSpecFromConfig(config));
const truth = readPersonWalkTruth();
// Truth entry t is the clip's frame at t + 0.4 s: detect frame 5t + 2 at 5 fps from 0 s.
const truthFrames = new Map(
  truth.per_second.map((s) => [
    5 * s.t + 2,
    s.boxes.map(
      ([, x, y, w, h]) =>
        [x * SOURCE_SCALE, y * SOURCE_SCALE, (x + w) * SOURCE_SCALE, (y + h) * SOURCE_SCALE] as Box,
    ),
  ]),
);

const paths: Path[] = [{ name: 'raw yuv420p', frames: await decodeAll(undefined), jpeg: false }];
for (const q of qualities) paths.push({ name: `jpeg q:v ${q}`, frames: await decodeAll(q), jpeg: true });

const results: Result[] = [];
for (const path of paths) {
  console.log(`${path.name}: ${path.frames.length} frames`);
  const motion = new MotionDetector(DETECT.width, DETECT.height, {}, path.jpeg ? 'analysis' : 'frame');
  const detected: DetectedFrame[] = [];
  const result: Result = {
    name: path.name,
    frames: path.frames.length,
    messageBytes: 0,
    events: 0,
    missed: 0,
    outside: 0,
    extra: 0,
    recallFull: 0,
    recallPipeline: 0,
    truthBoxes: 0,
    jpegDecodeMs: 0,
  };
  for (const [k, frame] of path.frames.entries()) {
    const payload = path.jpeg ? frame.jpeg! : frame.data;
    result.messageBytes += encodeFrame({
      ...header,
      pixelFormat: path.jpeg ? 'jpeg' : 'yuv420p',
      payload,
    }).byteLength;
    const { boxes } = motion.detect(frame.data);
    const started = performance.now();
    const pic = await picture(path, frame, boxes);
    if (path.jpeg) result.jpegDecodeMs += performance.now() - started;
    const pipeline = await detector.detect(pic);
    detected.push({ timeS: k / DETECT.fps, detections: pipeline.detections });
    const truthBoxes = truthFrames.get(k);
    if (truthBoxes && truthBoxes.length > 0) {
      const full = await detector.detect({ ...pic, motionBoxes: [] }, { regionMode: 'full_frame' });
      result.truthBoxes += truthBoxes.length;
      result.recallFull += matched(full.detections, truthBoxes);
      result.recallPipeline += matched(pipeline.detections, truthBoxes);
    }
  }
  const news = replayNewEvents(detected, DETECT, ['person']);
  const scored = scoreAppearances(news, truth);
  Object.assign(result, {
    events: news.length,
    missed: scored.missed,
    outside: scored.outside,
    extra: scored.extra,
  });
  results.push(result);
}
await detector.close();

const raw = results[0]!;
const pct = (n: number, of: number) => ((100 * n) / of).toFixed(1);
const lines = results.map((r) => {
  const bytes = r.messageBytes / r.frames;
  return `| ${r.name} | ${r.frames} | ${Math.round(bytes).toLocaleString('en')} | ${pct(bytes, raw.messageBytes / raw.frames)} % | ${r.events} | ${r.missed} | ${r.outside} | ${r.extra} | ${pct(r.recallFull, r.truthBoxes)} % | ${pct(r.recallPipeline, r.truthBoxes)} % | ${r.jpegDecodeMs > 0 ? (r.jpegDecodeMs / r.frames).toFixed(2) : '-'} |`;
});
const report = `# Frames on the bus: bytes against detection

\`bench/frame-format.ts\`, ${new Date().toISOString().slice(0, 10)}.

person-walk (${truth.person_intervals_s.length} appearances) decoded by ingest's \`FfmpegDecoder\` at ${DETECT.width}x${DETECT.height}, ${DETECT.fps} fps, once as raw
yuv420p frames and once per JPEG quality (ffmpeg's mjpeg \`-q:v\`, with the ${motionAnalysisSize(DETECT.width, DETECT.height).width}x${motionAnalysisSize(DETECT.width, DETECT.height).height} gray motion image from the same ffmpeg).
Each path runs as the pipeline does: motion on the luma plane (raw) or the gray image (jpeg), YOLOX-Nano on the
motion regions (the JPEG decoded to RGBA as the detector does), detections replayed through \`CameraTracker\` (defaults,
tracking \`person\`). Bytes are whole frame messages (header and one motion box included).

Recall: the truth file's person boxes (${raw.truthBoxes} on its one-frame-a-second entries) matched by a person >= 0.5 at IoU >= 0.5,
detected on the whole frame (the picture alone) and on the motion regions (as the pipeline).

| path | frames | bytes a frame | of raw | \`new\` person events | appearances missed | outside the truth | extra | recall, whole frame | recall, pipeline | JPEG decode (ms a frame) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${lines.join('\n')}

Goal: <= 15 % of raw bytes, the same six events, recall within 1 point of raw.

Run: \`node --conditions=shiriki-source --import tsx bench/frame-format.ts [quality...]\`
`;
writeFileSync(join(repoRoot, 'docs/benchmarks/frame-format.md'), report);
console.log(report);
