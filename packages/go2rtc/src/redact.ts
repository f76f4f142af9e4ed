import { redactText } from '@shiriki/telemetry';

/**
 * A request URL for messages: query values are decoded first (go2rtc sources travel percent-encoded, which
 * would hide `user:pass@` from `redactText`), then redacted.
 */
export function describeRequestUrl(url: URL): string {
  const base = `${url.protocol}//${url.host}${url.pathname}`;
  const params = [...url.searchParams].map(([key, value]) => redactText(`&${key}=${value}`).slice(1));
  return params.length === 0 ? base : `${base}?${params.join('&')}`;
}
