import { BadRequestError } from '../errors.js';

/** The position after the last event of a page: pages are ordered by start time then id, newest first. */
export interface EventCursor {
  startTime: number;
  id: string;
}

export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(JSON.stringify([cursor.startTime, cursor.id])).toString('base64url');
}

/** Throws {@link BadRequestError} for anything {@link encodeCursor} did not make. */
export function decodeCursor(text: string): EventCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError('cursor is not one this api returned', 'cursor');
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    typeof value[0] !== 'number' ||
    !Number.isFinite(value[0]) ||
    typeof value[1] !== 'string' ||
    value[1].length === 0
  ) {
    throw new BadRequestError('cursor is not one this api returned', 'cursor');
  }
  return { startTime: value[0], id: value[1] };
}
