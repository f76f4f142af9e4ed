import { StorageError } from './errors.js';
import { validatePrefix } from './keys.js';
import type { RetentionRule } from './types.js';

const DAY_MS = 86_400_000;

/** Rules need a valid prefix and a whole number of days (S3 lifecycle rules count in days). */
export function validateRetentionRules(rules: readonly RetentionRule[], operation: string): void {
  for (const rule of rules) {
    validatePrefix(rule.prefix, operation);
    if (!Number.isInteger(rule.days) || rule.days < 1) {
      throw new StorageError(
        `retention for ${JSON.stringify(rule.prefix)}: days must be a whole number >= 1, got ${rule.days}`,
        { operation, key: rule.prefix },
      );
    }
  }
}

/** Objects last modified before this instant (epoch ms) are due. */
export function cutoffFor(rule: RetentionRule, now: Date): number {
  return now.getTime() - rule.days * DAY_MS;
}
