// A camera whose frame times are known: a clip encoded as a camera sends it (H.264, no B-frames, one keyframe a
// second), published into go2rtc in real time (`-re`) and looped. The publisher's progress reports tell when
// each frame left the camera, so anything seen further down the pipeline can be put on the camera's timeline.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { resolveFfmpegPath, spawnChild, type ManagedChild } from '@shiriki/process';

export interface CameraClip {
  path: string;
  fps: number;
  frames: number;
  /** `frames / fps`: how far the publisher's timestamps advance per loop. */
  loopSeconds: number;
}

export interface CameraClipOptions extends CameraEncoding {
  /** Seconds of `source` to keep. */
  seconds: number;
  /** Where in `source` the clip starts, in seconds. Default 0. */
  from?: number;
  /** Must match the source's frame rate. */
  fps: number;
  /** Extra ffmpeg video filters (e.g. a frame index marker). */
  filters?: string[];
  /** File name inside `dir`. Default `camera.mp4`. */
  name?: string;
}

export interface CameraEncoding {
  /** Default `h264`. */
  codec?: 'h264' | 'hevc';
  /** Frames per second of the stream: one keyframe every `fps` frames. */
  fps: number;
  /** Constant bitrate, as cameras are usually set up. Default: constant quality (CRF 18), near lossless. */
  bitrateKbps?: number;
}

/**
 * ffmpeg output options that encode video as a camera sends it: H.264 or H.265, a keyframe a second, no
 * B-frames, yuv420p.
 */
export function cameraEncoderArgs({ codec = 'h264', fps, bitrateKbps }: CameraEncoding): string[] {
  const encoder =
    codec === 'h264'
      ? ['-c:v', 'libx264', '-preset', 'veryfast', '-bf', '0', '-g', String(fps)]
      : ['-c:v', 'libx265', '-preset', 'veryfast', '-x265-params', `log-level=error:bframes=0:keyint=${fps}`];
  const rate =
    bitrateKbps === undefined
      ? ['-crf', '18']
      : ['-b:v', `${bitrateKbps}k`, '-maxrate', `${bitrateKbps}k`, '-bufsize', `${bitrateKbps}k`];
  return [...encoder, ...rate, '-pix_fmt', 'yuv420p'];
}

/** Re-encodes `seconds` of `source` (from `from`) into `dir` as a camera would send it. */
export function encodeCameraClip(dir: string, source: string, options: CameraClipOptions): CameraClip {
  const { seconds, from, fps, filters = [], name = 'camera.mp4' } = options;
  const path = join(dir, name);
  execFileSync(resolveFfmpegPath(), [
    ...['-v', 'error', '-y'],
    ...(from ? ['-ss', String(from)] : []),
    ...['-i', source, '-t', String(seconds), '-an'],
    ...(filters.length > 0 ? ['-vf', filters.join(',')] : []),
    ...cameraEncoderArgs(options),
    ...['-r', String(fps), path],
  ]);
  const frames = Math.round(seconds * fps);
  return { path, fps, frames, loopSeconds: frames / fps };
}

export interface PublishingCamera {
  readonly child: ManagedChild;
  /**
   * Wall-clock time (epoch ms) at which the camera sent stream time 0: frame `i` of loop `k` leaves at
   * `origin + (k * loopSeconds + i / fps) * 1000`. Estimated from the progress reports as the smallest
   * `report time - out_time` seen so far (a report comes after the packet went out), so it sharpens as
   * reports arrive.
   */
  origin(): number;
  /** Loop and frame index of a frame given when it was seen downstream and its index in the loop. */
  locate(seenAt: number, index: number): { loop: number; sentAt: number };
  /** The end of the publisher's stderr, for an error message. */
  stderrTail(): string;
}

/** Publishes `clip` to `rtspUrl` (a go2rtc stream without a source), looping, in real time. */
export async function publishCamera(clip: CameraClip, rtspUrl: string): Promise<PublishingCamera> {
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
    stderrTail: () => stderr,
  };
}
