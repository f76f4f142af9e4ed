/** A finished segment in the ring: `<startMs>-<endMs>.ts`, wall-clock epoch milliseconds. */
export interface Segment {
  file: string;
  path: string;
  startMs: number;
  endMs: number;
  bytes: number;
}

const SEGMENT_NAME = /^(\d{1,15})-(\d{1,15})\.ts$/;

/** Prefix of segments ffmpeg is still writing; they are renamed once the segment list reports them. */
export const IN_PROGRESS_PREFIX = 'tmp-';

export function segmentFileName(startMs: number, endMs: number): string {
  return `${Math.round(startMs)}-${Math.round(endMs)}.ts`;
}

/** `{ startMs, endMs }` of a finished segment's file name, or undefined for any other file. */
export function parseSegmentFileName(file: string): { startMs: number; endMs: number } | undefined {
  const match = SEGMENT_NAME.exec(file);
  if (!match) return undefined;
  const startMs = Number(match[1]);
  const endMs = Number(match[2]);
  return endMs > startMs ? { startMs, endMs } : undefined;
}

/** One line of ffmpeg's segment list in CSV form: `file,start,end` (seconds of the input's timeline). */
export interface SegmentListEntry {
  file: string;
  startS: number;
  endS: number;
}

export function parseSegmentListLine(line: string): SegmentListEntry | undefined {
  const parts = line.trim().split(',');
  if (parts.length < 3) return undefined;
  const endS = Number(parts.pop());
  const startS = Number(parts.pop());
  const file = parts.join(',').replace(/^"|"$/g, '');
  if (file === '' || !Number.isFinite(startS) || !Number.isFinite(endS) || endS < startS) return undefined;
  return { file, startS, endS };
}

/**
 * Maps the segmenter's input timeline to wall-clock time. A segment is reported once the keyframe that
 * starts the next one arrives, i.e. at about `anchor + endS`, never earlier; the smallest
 * `arrival - endS` seen is therefore the best estimate of the anchor (delays only ever add).
 */
export class WallClockAnchor {
  #anchorMs: number | undefined;

  observe(entry: SegmentListEntry, arrivalMs: number): number {
    const candidate = arrivalMs - entry.endS * 1000;
    this.#anchorMs = this.#anchorMs === undefined ? candidate : Math.min(this.#anchorMs, candidate);
    return this.#anchorMs;
  }

  get anchorMs(): number | undefined {
    return this.#anchorMs;
  }
}
