/**
 * Per row y of an image, the columns [start[y], end[y]) outside which the row holds nothing (start = end when
 * it is empty). Motion is usually a small part of a frame, so passes after the comparison visit only these.
 */
export interface RowSpans {
  readonly start: Int32Array;
  readonly end: Int32Array;
}

export function rowSpans(height: number): RowSpans {
  return { start: new Int32Array(height), end: new Int32Array(height) };
}
