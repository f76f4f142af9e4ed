/**
 * When a tracked candidate (detected in `min_initialized_frames` consecutive frames) becomes a real object:
 * - `median`: once the median of its recent scores reaches the label threshold (Frigate's rule). A person
 *   walking in is first seen half hidden at low scores, which hold the median down for frames after the
 *   model sees them clearly.
 * - `recent` (the default): also once the mean of its last `min_initialized_frames` scores reaches the
 *   threshold, so the entry frames stop counting against it; one good frame alone is still not enough.
 */
export type ConfirmationRule = 'median' | 'recent';

export const CONFIRMATION_RULES: readonly ConfirmationRule[] = ['median', 'recent'];

export interface ConfirmationInput {
  /** Recent scores, oldest first. */
  scores: readonly number[];
  /** Median of `scores`. */
  median: number;
}

export function isConfirmed(
  rule: ConfirmationRule,
  input: ConfirmationInput,
  threshold: number,
  minInitializedFrames: number,
): boolean {
  if (input.median >= threshold) return true;
  if (rule === 'median') return false;
  const recent = input.scores.slice(-minInitializedFrames);
  return (
    recent.length >= minInitializedFrames && recent.reduce((a, b) => a + b, 0) / recent.length >= threshold
  );
}
