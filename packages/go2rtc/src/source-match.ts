import type { Go2rtcProducer } from './types.js';

/** Whether a producer's reported source is the configured one, or whether go2rtc hides it. */
export type SourceMatch = 'same' | 'different' | 'unknown';

const PLACEHOLDER = /\$\{[^}{]+\}/g;

/**
 * Compares a configured source with what go2rtc v1.9 reports for the producer built from it:
 * - an idle producer reports its source verbatim as `url`, except that values go2rtc read from its
 *   environment for `${VAR}` are masked as `***` (or the literal `${VAR}` stays when it was unset), so each
 *   placeholder matches any text;
 * - a connected producer reports its connection instead: an `rtsp://` source shows its URL without the
 *   `#...` options, while a redirected source such as `ffmpeg:` shows the `exec:ffmpeg ...` command it became.
 *   When neither form matches a redirected source, the configured source cannot be read back: `unknown`.
 */
export function matchSource(configured: string, producer: Go2rtcProducer): SourceMatch {
  const pattern = templatePattern(configured);
  if (producer.url !== undefined && pattern.test(producer.url)) return 'same';
  if (producer.state === 'idle') return 'different';
  const [withoutOptions] = configured.split('#', 1);
  if (producer.url !== undefined && withoutOptions && templatePattern(withoutOptions).test(producer.url)) {
    return 'same';
  }
  // A direct RTSP source is dialled as configured (no redirect leaves a `source`), so a mismatch is real.
  if (producer.source === undefined && /^rtsps?:\/\//i.test(configured)) return 'different';
  return 'unknown';
}

function templatePattern(template: string): RegExp {
  const parts = template.split(PLACEHOLDER).map((part) => part.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's');
}
