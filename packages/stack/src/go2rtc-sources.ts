import { readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

export interface SyntheticSourceOptions {
  /** Default `640x360`. */
  size?: string;
  /** Frames per second. Default 10. */
  fps?: number;
}

export const SYNTHETIC_DEFAULTS = { size: '640x360', fps: 10 } as const;

/**
 * A go2rtc `exec:` source that plays `file` in real time, forever (`-re -stream_loop -1`), first video track
 * copied without re-encoding and audio dropped. `exec:` rather than go2rtc's `ffmpeg:` source, because
 * go2rtc refuses to run its ffmpeg templates with ffmpeg older than 5.0, which the bundled static build is.
 */
export function loopingFileSource(
  ffmpegPath: string,
  file: string,
  options: { startS?: number } = {},
): string {
  return execSource(ffmpegPath, [
    '-re',
    // Where the first loop starts (the nearest keyframe before it): cameras looping one clip out of step.
    ...(options.startS ? ['-ss', String(options.startS)] : []),
    '-stream_loop',
    '-1',
    '-i',
    file,
    '-map',
    '0:v:0',
    '-c:v',
    'copy',
    '-an',
  ]);
}

/** A go2rtc `exec:` source with ffmpeg's `testsrc2` pattern encoded to H.264, one keyframe per second. */
export function syntheticSource(ffmpegPath: string, options: SyntheticSourceOptions = {}): string {
  const { size, fps } = { ...SYNTHETIC_DEFAULTS, ...options };
  return execSource(ffmpegPath, [
    ...['-re', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p'],
    ...['-g', String(fps)],
  ]);
}

/** Streams named after the clips in `mediaDir` (`person-walk.mp4` -> `person-walk`), each looping. */
export function clipSources(ffmpegPath: string, mediaDir: string): Record<string, string> {
  const clips = readdirSync(mediaDir)
    .filter((file) => extname(file) === '.mp4')
    .sort();
  return Object.fromEntries(
    clips.map((file) => [basename(file, '.mp4'), loopingFileSource(ffmpegPath, join(mediaDir, file))]),
  );
}

// go2rtc replaces {output} with an RTSP URL of its own and reads the stream ffmpeg publishes there.
function execSource(ffmpegPath: string, inputAndCodecs: readonly string[]): string {
  const args = [ffmpegPath, '-hide_banner', '-v', 'error', ...inputAndCodecs, '-rtsp_transport', 'tcp'];
  return `exec:${args.map(quote).join(' ')} -f rtsp {output}`;
}

// go2rtc splits exec: commands on whitespace; a quoted part ("..." or '...') stays whole, with no escapes.
function quote(arg: string): string {
  if (!/[\s"']/.test(arg)) return arg;
  if (!arg.includes('"')) return `"${arg}"`;
  if (!arg.includes("'")) return `'${arg}'`;
  throw new RangeError(`go2rtc exec: cannot pass an argument holding both quote characters: ${arg}`);
}
