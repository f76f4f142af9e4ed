// Imported by bench/latency.ts, not run itself.
//
// A camera whose frame times are known: a clip re-encoded as a camera would send it (H.264, no B-frames, one
// keyframe a second) with its frame index drawn into a corner as binary blocks, published into go2rtc in real
// time (`-re`) and looped. Any frame seen further down the pipeline tells which camera frame it is, and the
// publisher's progress reports tell when that frame left the camera.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { resolveFfmpegPath, spawnChild, type ManagedChild } from '@shiriki/process';

/** The frame index marker, in the pixels of the source clip (768x432): 8 blocks along the bottom left. */
const MARKER = { bits: 8, block: 32, top: 400, sourceWidth: 768, sourceHeight: 432 } as const;

/**
 * The motion mask (normalised polygon) over the marker, with a margin: its blocks change every frame and must
 * not count as motion.
 */
export const MARKER_MOTION_MASK: [number, number][] = [
  [0, 0.9],
  [(MARKER.bits * MARKER.block + 8) / MARKER.sourceWidth, 0.9],
  [(MARKER.bits * MARKER.block + 8) / MARKER.sourceWidth, 1],
  [0, 1],
];

export interface MarkedClip {
  path: string;
  fps: number;
  frames: number;
  /** `frames / fps`: how far the publisher's timestamps advance per loop. */
  loopSeconds: number;
}

/** Re-encodes the first `seconds` of `source` (768x432) with the frame index marker; `fps` must match it. */
export function markedCameraClip(dir: string, source: string, seconds: number, fps: number): MarkedClip {
  const path = join(dir, 'camera.mp4');
  const { bits, block, top } = MARKER;
  const boxes = [`drawbox=x=0:y=${top}:w=${bits * block}:h=${block}:color=black:t=fill`];
  for (let bit = 0; bit < bits; bit++) {
    boxes.push(
      `drawbox=x=${bit * block}:y=${top}:w=${block}:h=${block}:color=white:t=fill:enable='mod(floor(n/${2 ** bit}),2)'`,
    );
  }
  execFileSync(resolveFfmpegPath(), [
    ...['-v', 'error', '-y', '-i', source, '-t', String(seconds), '-an'],
    ...['-vf', boxes.join(',')],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-bf', '0', '-g', String(fps)],
    ...['-pix_fmt', 'yuv420p', '-r', String(fps), path],
  ]);
  const frames = Math.round(seconds * fps);
  return { path, fps, frames, loopSeconds: frames / fps };
}

/** The camera frame index (within a loop) drawn into a yuv420p or gray frame of any size. */
export function readFrameMarker(luma: Uint8Array, width: number, height: number): number {
  const sx = width / MARKER.sourceWidth;
  const sy = height / MARKER.sourceHeight;
  const cy = Math.round((MARKER.top + MARKER.block / 2) * sy);
  let index = 0;
  for (let bit = 0; bit < MARKER.bits; bit++) {
    const cx = Math.round((bit * MARKER.block + MARKER.block / 2) * sx);
    let sum = 0;
    for (let dy = -2; dy <= 2; dy++)
      for (let dx = -2; dx <= 2; dx++) sum += luma[(cy + dy) * width + cx + dx]!;
    if (sum / 25 > 128) index |= 1 << bit;
  }
  return index;
}

export interface PublishingCamera {
  readonly child: ManagedChild;
  /**
   * Wall-clock time (epoch ms) at which the camera sends stream time 0: frame `i` of loop `k` leaves at
   * `origin + (k * loopSeconds + i / fps) * 1000`. Estimated from the progress reports as the smallest
   * `report time - out_time` seen so far (a report comes after the packet went out), so it sharpens as
   * reports arrive.
   */
  origin(): number;
  /** Loop and frame index of a frame given when it was seen downstream and its marker. */
  locate(seenAt: number, index: number): { loop: number; sentAt: number };
}

/** Publishes `clip` to `rtspUrl` (a go2rtc stream without a source), looping, in real time. */
export async function startCamera(clip: MarkedClip, rtspUrl: string): Promise<PublishingCamera> {
  const child = await spawnChild(
    resolveFfmpegPath(),
    [
      ...['-hide_banner', '-v', 'error', '-re', '-stream_loop', '-1', '-i', clip.path],
      // Progress reports come every 500 ms; each bounds when the camera sent stream time 0.
      ...['-map', '0:v:0', '-c', 'copy', '-progress', 'pipe:1'],
      ...['-rtsp_transport', 'tcp', '-f', 'rtsp', rtspUrl],
    ],
    { name: 'camera', stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let origin = Number.POSITIVE_INFINITY;
  let pending = '';
  child.process.stdout?.setEncoding('utf8');
  child.process.stdout?.on('data', (chunk: string) => {
    const now = Date.now();
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const m = /^out_time_us=(\d+)/.exec(line);
      if (m) origin = Math.min(origin, now - Number(m[1]) / 1000);
    }
  });
  let stderr = '';
  child.process.stderr?.setEncoding('utf8');
  child.process.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  void child.exited.then((exit) => {
    if (exit.code !== 0 && exit.signal === null)
      console.error(`camera ffmpeg exited ${exit.code}: ${stderr}`);
  });
  const first = await Promise.race([
    child.exited.then(() => false),
    (async () => {
      while (!Number.isFinite(origin)) await new Promise((resolve) => setTimeout(resolve, 50));
      return true;
    })(),
  ]);
  if (!first) throw new Error(`the camera ffmpeg exited before sending: ${stderr}`);
  const loopMs = clip.loopSeconds * 1000;
  return {
    child,
    origin: () => origin,
    locate(seenAt, index) {
      const offsetMs = (index / clip.fps) * 1000;
      // The frame left before it was seen, within a fraction of a loop.
      const loop = Math.floor((seenAt - origin - offsetMs + loopMs / 4) / loopMs);
      return { loop, sentAt: origin + loop * loopMs + offsetMs };
    },
  };
}
