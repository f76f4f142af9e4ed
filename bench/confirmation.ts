/**
 * What the tracker's confirmation rule costs and buys, A/B in one run: person-walk and parking-lot decoded at
 * 640x360 and 5 fps (both phases of the sampling: from 0 s and from half a detect interval), motion detected
 * on every frame as ingest does, the model run on the motion regions (the whole frame when nothing moves) as
 * the detector does, and the detections replayed through `CameraTracker` under each rule.
 *
 * False positives: person-walk tracks `person` and is counted against its truth file (a `new` person outside
 * every truth interval, or more than one in an appearance, is false); parking-lot tracks every COCO label, so
 * any `new` event that is not a vehicle is the model's mistake let through. Time to confirm: from the first
 * detect frame with the person at min_score to the frame that made it real, per person-walk appearance.
 *
 * Run: node --conditions=shiriki-source --import tsx bench/confirmation.ts
 * Writes docs/benchmarks/confirmation.md.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '@shiriki/config';
import { ObjectDetector, modelSpecFromConfig, readLabels } from '@shiriki/detector';
import { MotionDetector } from '@shiriki/motion';
import { assetPath, assetsDir, decodeClipFrames } from '@shiriki/testing';
import { CONFIRMATION_RULES, type ConfirmationRule } from '@shiriki/tracking';
import {
  SLACK_S,
  readPersonWalkTruth,
  replayNewEvents,
  scoreAppearances,
  type DetectedFrame,
} from './person-walk-truth.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const DETECT = { width: 640, height: 360, fps: 5 };
const VEHICLES = new Set(['car', 'truck', 'bus', 'motorcycle', 'bicycle']);
const PHASES = [0, 0.5 / DETECT.fps];

/** The frames ingest would send at this phase, with what the detector would find in each. */
async function pipelineDetections(
  detector: ObjectDetector,
  clip: string,
  phaseS: number,
): Promise<DetectedFrame[]> {
  const { width, height, fps } = DETECT;
  const motion = new MotionDetector(width, height);
  const frames = decodeClipFrames(clip, { width, height, fps, from: phaseS });
  const results: DetectedFrame[] = [];
  for (const [k, payload] of frames.entries()) {
    const { boxes } = motion.detect(payload.subarray(0, width * height));
    const result = await detector.detect({
      width,
      height,
      pixelFormat: 'yuv420p',
      payload,
      motionBoxes: boxes,
    });
    results.push({ timeS: phaseS + k / fps, detections: result.detections });
  }
  return results;
}

interface Row {
  rule: ConfirmationRule;
  phase: number;
  walkNew: number;
  missed: number;
  outside: number;
  extra: number;
  confirmMs: number[];
  lot: Map<string, number>;
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
const labels = await readLabels(assetPath('models/coco-labels.txt'));
const truth = readPersonWalkTruth();
const rows: Row[] = [];
for (const phase of PHASES) {
  console.log(`phase ${phase} s: motion and detection on person-walk and parking-lot`);
  const walk = await pipelineDetections(detector, assetPath('media/person-walk.mp4'), phase);
  const lot = await pipelineDetections(detector, assetPath('media/parking-lot.mp4'), phase);
  for (const rule of CONFIRMATION_RULES) {
    const news = replayNewEvents(walk, DETECT, ['person'], rule);
    const scored = scoreAppearances(news, truth);
    const row: Row = {
      rule,
      phase,
      walkNew: news.length,
      missed: scored.missed,
      outside: scored.outside,
      extra: scored.extra,
      confirmMs: [],
      lot: new Map(),
    };
    truth.person_intervals_s.forEach(([from], i) => {
      const found = walk.find(
        (f) => f.timeS >= from - SLACK_S && f.detections.some((d) => d.label === 'person' && d.score >= 0.5),
      );
      const first = scored.firsts[i];
      if (first && found) row.confirmMs.push((first.frame_time ?? first.start_time) - found.timeS * 1000);
    });
    for (const event of replayNewEvents(lot, DETECT, labels, rule))
      row.lot.set(event.label, (row.lot.get(event.label) ?? 0) + 1);
    rows.push(row);
  }
}
await detector.close();

const lotLabels = [...new Set(rows.flatMap((r) => [...r.lot.keys()]))].sort();
const mistakes = (r: Row) =>
  lotLabels.filter((l) => !VEHICLES.has(l)).reduce((n, l) => n + (r.lot.get(l) ?? 0), 0);
const lotCell = (r: Row) => lotLabels.map((l) => `${l} ${r.lot.get(l) ?? 0}`).join(', ') || 'none';
const lines = rows.map(
  (r) =>
    `| ${r.rule} | ${r.phase.toFixed(1)} | ${r.walkNew} | ${r.missed} | ${r.outside} | ${r.extra} | ${r.confirmMs.map((m) => m.toFixed(0)).join(', ')} | ${mistakes(r)} | ${lotCell(r)} |`,
);
const report = `# Confirmation rule: false positives and time to confirm

\`bench/confirmation.ts\`, ${new Date().toISOString().slice(0, 10)}.

person-walk and parking-lot at ${DETECT.width}x${DETECT.height}, ${DETECT.fps} fps, sampled from each phase; motion detected on every frame
as ingest does, YOLOX-Nano on the motion regions as the detector does (the whole frame when nothing moves; every
frame is detected, more than ingest would send), the detections replayed through \`CameraTracker\` with the default
options (\`min_initialized_frames\` 2, threshold 0.7, min_score 0.5) under each confirmation rule
(\`median\`: Frigate's; \`recent\`, the default: also the mean of the last \`min_initialized_frames\` scores).
person-walk tracks \`person\`, counted against its truth file (${truth.person_intervals_s.length} appearances, +-${SLACK_S} s); parking-lot tracks every
COCO label, and every event that is not a vehicle is a false positive.

| rule | phase (s) | person-walk \`new\` | appearances missed | outside the truth | extra in an appearance | first finding -> frame that made it real (ms) | parking-lot false positives | parking-lot \`new\` by label |
| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |
${lines.join('\n')}

Run: \`node --conditions=shiriki-source --import tsx bench/confirmation.ts\`
`;
writeFileSync(join(repoRoot, 'docs/benchmarks/confirmation.md'), report);
console.log(report);
