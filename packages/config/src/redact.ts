import { redactSecrets } from '@shiriki/telemetry';
import type { ShirikiConfig } from './types.js';

/**
 * A copy of the configuration that is safe to print: every option named in `SECRET_NAMES` of
 * `@shiriki/telemetry` (passwords, tokens, NKey seeds, the S3 secret key) becomes `***`, and every credential
 * inside a string (camera source URLs, query parameters) is masked the way log lines are.
 */
export function redactConfigForDisplay(config: ShirikiConfig): ShirikiConfig {
  return redactSecrets(config) as ShirikiConfig;
}
