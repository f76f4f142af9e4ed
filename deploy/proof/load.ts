/**
 * The proof's load run: cameras added until frames drop. `shiriki up` runs with N looped person-walk cameras
 * (N = 2, 4, 6, 8, 12, 16, ...); each step measures a minute of the services' own metrics: frames ingest decoded
 * and sent for detection, frames the detectors inferred, and every way a frame can fail to be inferred, each
 * with the metric that counts it. The run stops after the first step that loses more than `--max-loss` of its
 * frames, and names the metric that showed it.
 *
 * Usage: scripts/proof.sh --mode load [--steps 2,4,6,8,12,16] [--measure-s 60] [--max-loss 0.01] [--write]
 * `--write` saves docs/proof-load.md.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  assetPath,
  encodeCameraClip,
  makeTempDir,
  makeTestCertificates,
  removeTempDir,
  repoRoot,
  scrapeMetrics,
  sleep,
  sumMetric,
} from '@shiriki/testing';
import { ProofCamera } from './cameras.js';
import { ProofStack } from './stack.js';

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string' },
    steps: { type: 'string', default: '2,4,6,8,12,16,24' },
    'measure-s': { type: 'string', default: '60' },
    'max-loss': { type: 'string', default: '0.01' },
    write: { type: 'boolean', default: false },
  },
});
const steps = args.steps.split(',').map(Number);
const measureS = Number(args['measure-s']);
const maxLoss = Number(args['max-loss']);
const CLIP = { seconds: 21.9, fps: 10 } as const;
/** Long enough for every camera's first motion calibration and the detector's first inferences. */
const WARMUP_S = 20;

/** Counters read from every service's /metrics, summed over labels and services. */
const COUNTERS = {
  decoded: 'shiriki_ingest_frames_in_total',
  sent: 'shiriki_ingest_frames_published_total',
  skippedByIngest: 'shiriki_ingest_frames_dropped_total',
  inferred: 'shiriki_detector_frames_inferred_total',
  stale: 'shiriki_detector_frames_stale_total',
  givenUp: 'shiriki_detector_frames_dropped_total',
  gaps: 'shiriki_tracker_frame_gaps_total',
} as const;
type Counts = Record<keyof typeof COUNTERS, number>;

/** What each way of losing a frame means, for the report. */
const LOSSES: { key: keyof Counts; metric: string; what: string }[] = [
  { key: 'skippedByIngest', metric: COUNTERS.skippedByIngest, what: 'decoded frames ingest had no time for' },
  { key: 'stale', metric: COUNTERS.stale, what: 'frames too old when a detector got to them' },
  { key: 'givenUp', metric: COUNTERS.givenUp, what: 'frames the detectors gave up' },
  { key: 'gaps', metric: COUNTERS.gaps, what: 'holes in the frames the tracker got (evicted frames)' },
];

interface Step {
  cameras: number;
  perSecond: Counts;
  /** Frames sent for detection and not inferred, as a share of those sent; ingest's skips of those decoded. */
  loss: number;
  /** The loss metric with the largest count, when anything was lost. */
  showedBy: string | undefined;
  busy: number;
}

async function scrape(stack: ProofStack): Promise<{ counts: Counts; busy: number }> {
  const text = (await Promise.all(stack.metricsUrls().map((url) => scrapeMetrics(url).catch(() => '')))).join(
    '\n',
  );
  const counts = Object.fromEntries(
    Object.entries(COUNTERS).map(([key, metric]) => [key, sumMetric(text, metric)]),
  ) as Counts;
  return { counts, busy: sumMetric(text, 'shiriki_detector_busy_ratio') };
}

async function runStep(cameraCount: number): Promise<Step> {
  const dir = makeTempDir('proof-load');
  const clip = encodeCameraClip(dir, assetPath('media/person-walk.mp4'), CLIP);
  const names = Array.from({ length: cameraCount }, (_, i) => `load-${i + 1}`);
  const cameras: ProofCamera[] = [];
  const stack = await ProofStack.start({
    dir,
    cameras: names,
    minioSecret: 'proof-load-secret',
    natsPassword: 'proof-load-nats',
    natsTls: makeTestCertificates(join(dir, 'tls')),
    onServers: async (go2rtc) => {
      for (const name of names) {
        const camera = new ProofCamera(name, clip, go2rtc);
        await camera.start();
        cameras.push(camera);
      }
    },
  });
  try {
    await sleep(WARMUP_S * 1000);
    const before = await scrape(stack);
    await sleep(measureS * 1000);
    const after = await scrape(stack);
    const perSecond = Object.fromEntries(
      Object.keys(COUNTERS).map((key) => {
        const k = key as keyof Counts;
        return [k, (after.counts[k] - before.counts[k]) / measureS];
      }),
    ) as Counts;
    const lostInTransit = Math.max(0, perSecond.sent - perSecond.inferred);
    const loss = Math.max(
      perSecond.sent > 0 ? lostInTransit / perSecond.sent : 0,
      perSecond.decoded > 0 ? perSecond.skippedByIngest / perSecond.decoded : 0,
    );
    const worst = LOSSES.map((l) => ({ ...l, n: perSecond[l.key] })).sort((a, b) => b.n - a.n)[0];
    return {
      cameras: cameraCount,
      perSecond,
      loss,
      showedBy: worst !== undefined && worst.n > 0 ? worst.metric : undefined,
      busy: after.busy,
    };
  } finally {
    for (const camera of cameras) await camera.stop();
    await stack.stop();
    await removeTempDir(dir);
  }
}

function render(results: Step[]): string {
  const f = (n: number) => n.toFixed(1);
  const rows = results.map(
    (s) =>
      `| ${s.cameras} | ${f(s.perSecond.decoded)} | ${f(s.perSecond.sent)} | ${f(s.perSecond.inferred)} | ` +
      `${f(s.perSecond.skippedByIngest)} | ${f(s.perSecond.stale)} | ${f(s.perSecond.gaps)} | ` +
      `${f(s.perSecond.givenUp)} | ${s.busy.toFixed(2)} | ${(100 * s.loss).toFixed(1)} % | ${s.showedBy ? `\`${s.showedBy}\`` : '-'} |`,
  );
  const dropped = results.find((s) => s.loss > maxLoss);
  const held = results.filter((s) => s.loss <= maxLoss).at(-1);
  return [
    '# Proof: load',
    '',
    `Written by \`scripts/proof.sh --mode load --write\` on ${new Date().toISOString().slice(0, 10)}: \`shiriki up\``,
    `with N person-walk cameras looped in real time (detect 640x360 at 5 fps, one detector, one inference thread),`,
    `N raised step by step; each step measured for ${measureS} s after ${WARMUP_S} s of warm-up. Rates are frames`,
    "per second over all cameras, from the services' own counters.",
    '',
    held === undefined
      ? '**No step held:** frames were lost from the first step on.'
      : `**Held:** ${held.cameras} cameras with at most ${(100 * maxLoss).toFixed(0)} % of frames lost.`,
    dropped === undefined
      ? '**No step dropped frames** up to the last one tried.'
      : `**Dropped:** at ${dropped.cameras} cameras, ${(100 * dropped.loss).toFixed(1)} % of the frames; the metric that showed it: \`${dropped.showedBy ?? 'frames sent minus frames inferred'}\`.`,
    '',
    '| cameras | decoded | sent for detection | inferred | ingest skipped | stale | tracker gaps | given up | detector busy | lost | shown by |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    'How a frame can fail to be inferred, and the metric that counts it:',
    '',
    ...LOSSES.map((l) => `- \`${l.metric}\`: ${l.what}.`),
    '',
    'Frames sent but neither inferred nor counted above were evicted from the frames stream (it keeps 10 per',
    'camera) or still waiting; the tracker sees the holes they leave in the frame chain.',
    '',
  ].join('\n');
}

const log = (line: string) => console.log(`[proof load] ${line}`);
const results: Step[] = [];
for (const cameras of steps) {
  log(`${cameras} cameras`);
  const step = await runStep(cameras);
  results.push(step);
  log(
    `  sent ${step.perSecond.sent.toFixed(1)}/s, inferred ${step.perSecond.inferred.toFixed(1)}/s, lost ${(100 * step.loss).toFixed(1)} %${step.showedBy ? ` (${step.showedBy})` : ''}`,
  );
  if (step.loss > maxLoss) break;
}
const markdown = render(results);
console.log(markdown);
if (args.write) writeFileSync(join(repoRoot(), 'docs', 'proof-load.md'), markdown);
