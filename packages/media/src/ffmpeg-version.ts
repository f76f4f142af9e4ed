import { execFileSync } from 'node:child_process';

export interface FfmpegVersion {
  major: number;
  minor: number;
}

const known = new Map<string, FfmpegVersion | undefined>();

/**
 * The release of the ffmpeg at `path` from `ffmpeg -version` (`ffmpeg version 5.1.6-0+deb12u1`, `n7.1`), asked
 * once per path. `undefined` for a build from a git snapshot (`N-47683-g0e8eb07980`) or one that does not run:
 * callers then use what every release understands.
 */
export function ffmpegVersion(path: string): FfmpegVersion | undefined {
  if (known.has(path)) return known.get(path);
  let version: FfmpegVersion | undefined;
  try {
    version = parseFfmpegVersion(
      execFileSync(path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 }),
    );
  } catch {
    version = undefined;
  }
  known.set(path, version);
  return version;
}

export function parseFfmpegVersion(text: string): FfmpegVersion | undefined {
  const match = /^ffmpeg version n?(\d+)\.(\d+)/m.exec(text);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}
