import { open, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Segment } from './segment-file.js';

const TS_PACKET = 188;

/** File name prefix of a live segment's snapshot, so a clip's metadata can tell which footage was live. */
export const LIVE_SNAPSHOT_PREFIX = 'live-';

/**
 * The segment ffmpeg is writing now. The segmenter flushes every packet, so the file holds the stream up
 * to a moment ago and its modification time tells which moment: a clip can end inside it instead of
 * waiting up to a whole segment (and a keyframe) for it to close.
 */
export interface LiveSegment {
  path: string;
  /** Wall-clock start: the end of the segment reported before it. */
  startMs: number;
}

/**
 * Path of the segment ffmpeg opens after `reportedPath` (`…-000041.ts` → `…-000042.ts`), or undefined when
 * the name carries no sequence number.
 */
export function nextSegmentPath(reportedPath: string): string | undefined {
  const match = /^(.*?)(\d+)\.ts$/.exec(reportedPath);
  if (!match) return undefined;
  const [, stem = '', digits = ''] = match;
  return `${stem}${String(Number(digits) + 1).padStart(digits.length, '0')}.ts`;
}

/** Wall-clock time up to which the live segment holds footage (its last write), or undefined if it is gone. */
export async function liveFootageUntil(live: LiveSegment): Promise<number | undefined> {
  const info = await stat(live.path).catch(() => undefined);
  if (!info || info.size < TS_PACKET) return undefined;
  return Math.max(live.startMs, info.mtimeMs);
}

/**
 * Copies the whole TS packets written so far into `dir`, so a clip can be cut from a file that no longer
 * changes. Undefined when the live segment is gone (finished and renamed, or removed after ffmpeg died):
 * the caller then finds its footage among the finished segments.
 */
export async function snapshotLiveSegment(live: LiveSegment, dir: string): Promise<Segment | undefined> {
  let source;
  try {
    source = await open(live.path, 'r');
  } catch {
    return undefined;
  }
  try {
    // The last write before reading: what is read holds at least the footage up to it.
    const { mtimeMs } = await source.stat();
    const data = await source.readFile();
    const bytes = data.byteLength - (data.byteLength % TS_PACKET);
    if (bytes < TS_PACKET) return undefined;
    const file = `${LIVE_SNAPSHOT_PREFIX}${basename(live.path)}`;
    const path = join(dir, `${Date.now().toString(36)}-${file}`);
    await writeFile(path, data.subarray(0, bytes));
    return { file, path, startMs: live.startMs, endMs: Math.max(live.startMs, mtimeMs), bytes };
  } finally {
    await source.close();
  }
}
