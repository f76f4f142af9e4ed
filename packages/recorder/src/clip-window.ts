/** The time range one clip part covers, wall-clock epoch milliseconds. */
export interface ClipPart {
  /** 1-based. */
  part: number;
  startMs: number;
  endMs: number;
}

export interface ClipWindowInput {
  eventStartMs: number;
  /** Undefined while the event is open. */
  eventEndMs: number | undefined;
  preCaptureS: number;
  postCaptureS: number;
  maxClipSeconds: number;
}

/** `start - pre_capture`: where the first part begins. */
export function clipStartMs(input: ClipWindowInput): number {
  return input.eventStartMs - input.preCaptureS * 1000;
}

/**
 * The parts of an event's clip, from `start - pre_capture` to `end + post_capture`, each at most
 * `maxClipSeconds` long. Part boundaries depend only on the start, so parts cut while the event is still
 * open (`eventEndMs` undefined: only the full-length parts ending at or before `openUntilMs`) match the
 * parts computed once it has ended.
 */
export function clipParts(input: ClipWindowInput, openUntilMs = Number.NEGATIVE_INFINITY): ClipPart[] {
  const start = clipStartMs(input);
  const maxMs = input.maxClipSeconds * 1000;
  const parts: ClipPart[] = [];
  if (input.eventEndMs === undefined) {
    for (let k = 0; start + (k + 1) * maxMs <= openUntilMs; k++) {
      parts.push({ part: k + 1, startMs: start + k * maxMs, endMs: start + (k + 1) * maxMs });
    }
    return parts;
  }
  const end = Math.max(input.eventEndMs, input.eventStartMs) + input.postCaptureS * 1000;
  for (let k = 0; start + k * maxMs < end; k++) {
    parts.push({ part: k + 1, startMs: start + k * maxMs, endMs: Math.min(end, start + (k + 1) * maxMs) });
  }
  return parts;
}

/** Object key of a part: part 1 is the event's `clip.mp4`, later parts sit next to it. */
export function partClipKey(clipKey: string, part: number): string {
  return part === 1 ? clipKey : clipKey.replace(/\.mp4$/, `-part${part}.mp4`);
}
