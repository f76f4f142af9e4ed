import { writeFile, rm, stat } from 'node:fs/promises';
import { LineSplitter, clipCutArgs } from '@shiriki/media';
import { spawnChild } from '@shiriki/process';
import { LIVE_SNAPSHOT_PREFIX } from './live-segment.js';
import type { Segment } from './segment-file.js';
import { tsSegmentProblem } from './ts-check.js';

export interface CutClipOptions {
  ffmpegPath: string;
  /** Ring segments overlapping the window, oldest first. */
  segments: readonly Segment[];
  startMs: number;
  endMs: number;
  /** Output MP4. */
  outPath: string;
  /** Gaps shorter than this between segments are not reported. */
  toleranceMs: number;
}

export interface CutClip {
  path: string;
  /** Wall-clock start of the first segment used (the clip may start up to one segment early). */
  startMs: number;
  endMs: number;
  durationS: number;
  /** `live`: cut from the segment that was still being written. */
  segments: { startMs: number; endMs: number; live?: true }[];
  partial: boolean;
  reasons: string[];
  /** ffmpeg's error lines, if it printed any but still wrote the clip. */
  warnings: string[];
}

export class NoFootageError extends Error {
  override readonly name = 'NoFootageError';
  constructor(
    message: string,
    readonly reasons: string[],
  ) {
    super(message);
  }
}

export class ClipCutError extends Error {
  override readonly name = 'ClipCutError';
  constructor(
    message: string,
    readonly stderr: string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Cuts `[startMs, endMs)` out of ring segments by stream copy: the concat demuxer over the usable
 * segments, `-t` to the window's end, MP4 with the index in front. Missing or corrupt segments and gaps
 * are skipped and reported as reasons (the clip is then partial); no usable segment at all throws
 * {@link NoFootageError}.
 */
export async function cutClip(o: CutClipOptions): Promise<CutClip> {
  const reasons: string[] = [];
  const usable: Segment[] = [];
  for (const segment of o.segments) {
    const problem = await tsSegmentProblem(segment.path);
    if (problem === undefined) usable.push(segment);
    else reasons.push(`segment ${segment.file} ${problem}`);
  }
  const first = usable[0];
  const last = usable.at(-1);
  if (!first || !last) {
    throw new NoFootageError('no footage in the ring for the clip window', [
      ...reasons,
      'no footage for the clip window',
    ]);
  }
  if (first.startMs > o.startMs + o.toleranceMs) {
    reasons.push(`footage starts ${((first.startMs - o.startMs) / 1000).toFixed(1)} s after the window`);
  }
  if (last.endMs < o.endMs - o.toleranceMs) {
    reasons.push(`footage ends ${((o.endMs - last.endMs) / 1000).toFixed(1)} s before the window`);
  }
  for (let i = 1; i < usable.length; i++) {
    const gap = (usable[i]?.startMs ?? 0) - (usable[i - 1]?.endMs ?? 0);
    if (gap > o.toleranceMs) reasons.push(`gap of ${(gap / 1000).toFixed(1)} s in the footage`);
  }
  const listPath = `${o.outPath}.concat.txt`;
  await writeFile(listPath, usable.map((s) => `file '${s.path.replace(/'/g, "'\\''")}'\n`).join(''));
  const limitS = Math.max(0.1, (Math.min(o.endMs, last.endMs) - first.startMs) / 1000);
  const args = clipCutArgs({ listPath, durationS: limitS, outPath: o.outPath });
  const stderr: string[] = [];
  let durationS = 0;
  try {
    const child = await spawnChild(o.ffmpegPath, args, {
      name: 'ffmpeg[clip]',
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const lines = new LineSplitter((line) => {
      const time = /time=\s*(\d+):(\d+):(\d+(?:\.\d+)?)/.exec(line);
      if (time) durationS = Number(time[1]) * 3600 + Number(time[2]) * 60 + Number(time[3]);
      else if (stderr.length < 20) stderr.push(line);
    });
    child.process.stderr?.setEncoding('utf8');
    child.process.stderr?.on('data', (text: string) => lines.push(text));
    const closed = new Promise<void>((resolve) => child.process.once('close', () => resolve()));
    const [exit] = await Promise.all([child.exited, closed]);
    lines.flush();
    const size = (await stat(o.outPath).catch(() => undefined))?.size ?? 0;
    if (exit.code !== 0 || size === 0) {
      throw new ClipCutError(`ffmpeg could not cut the clip (code ${String(exit.code)})`, stderr);
    }
  } finally {
    await rm(listPath, { force: true });
  }
  const coveredS = usable.reduce((sum, s) => sum + (s.endMs - s.startMs) / 1000, 0);
  if (durationS <= 0) durationS = Math.min(coveredS, limitS);
  return {
    path: o.outPath,
    startMs: first.startMs,
    endMs: first.startMs + durationS * 1000,
    durationS,
    segments: usable.map((s) => ({
      startMs: s.startMs,
      endMs: s.endMs,
      ...(s.file.startsWith(LIVE_SNAPSHOT_PREFIX) ? { live: true as const } : {}),
    })),
    partial: reasons.length > 0,
    reasons,
    warnings: stderr.map((line) => line.slice(0, 200)),
  };
}
