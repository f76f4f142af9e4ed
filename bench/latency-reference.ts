// Imported by bench/latency.ts, not run itself.
//
// The bare model's view of a clip: every frame decoded at the detect size, one full-frame pass each, no
// tracker. Which frame first shows the person is the reference every latency figure starts from.
import type { Detection } from '@shiriki/bus';
import { parseConfig } from '@shiriki/config';
import { ObjectDetector, modelSpecFromConfig } from '@shiriki/detector';
import { assetsDir, decodeClipFrames } from '@shiriki/testing';

export interface FrameDetections {
  /** Index of the frame in the clip (at the clip's own rate). */
  index: number;
  detections: Detection[];
  inferenceMs: number;
}

/** Runs the model on every frame of `clip` at `width` x `height`; `inspect` sees each decoded frame first. */
export async function detectEveryFrame(
  clip: string,
  width: number,
  height: number,
  inspect?: (payload: Uint8Array, index: number) => void,
): Promise<FrameDetections[]> {
  const config = parseConfig(
    JSON.stringify({
      assets_dir: assetsDir(),
      cameras: { reference: { source: 'rtsp://127.0.0.1:8554/reference' } },
      storage: { type: 'local' },
      detector: { intra_op_threads: 1, inter_op_threads: 1 },
    }),
  );
  const detector = await ObjectDetector.load(modelSpecFromConfig(config));
  try {
    const frames = decodeClipFrames(clip, { width, height });
    const results: FrameDetections[] = [];
    for (const [index, payload] of frames.entries()) {
      inspect?.(payload, index);
      const result = await detector.detect(
        { width, height, pixelFormat: 'yuv420p', payload, motionBoxes: [] },
        { regionMode: 'full_frame' },
      );
      results.push({ index, detections: result.detections, inferenceMs: result.inferenceMs });
    }
    return results;
  } finally {
    await detector.close();
  }
}

/** The first frame with `label` at `minScore` or more, and that score; undefined when none has it. */
export function firstFinding(
  frames: readonly FrameDetections[],
  label: string,
  minScore: number,
): { index: number; score: number } | undefined {
  for (const frame of frames) {
    const best = Math.max(0, ...frame.detections.filter((d) => d.label === label).map((d) => d.score));
    if (best >= minScore) return { index: frame.index, score: best };
  }
  return undefined;
}
