import { REDACTED, redactUrlCredentials } from '@shiriki/telemetry';

/**
 * Camera sources carry credentials in URL userinfo (`rtsp://user:pass@host`), which
 * `redactUrlCredentials` masks, and, specific to go2rtc sources, in query parameters (`?password=...`,
 * common with ONVIF, Tapo and Dahua HTTP snapshots) and go2rtc fragments (`#password=...`).
 */
const SECRET_PARAMS = /([?&#](?:password|passwd|pass|pwd|token|secret|key|auth)=)[^&#\s]*/gi;

/** Masks credentials anywhere in `text` (which may hold several URLs, e.g. `ffmpeg:rtsp://...`). */
export function redactCredentials(text: string): string {
  return redactUrlCredentials(text).replace(SECRET_PARAMS, `$1${REDACTED}`);
}

/**
 * A request URL for messages: query values are decoded first (go2rtc sources travel percent-encoded, which
 * would hide `user:pass@` from the patterns above), then redacted.
 */
export function describeRequestUrl(url: URL): string {
  const base = `${url.protocol}//${url.host}${url.pathname}`;
  const params = [...url.searchParams].map(([key, value]) => `${key}=${redactCredentials(value)}`);
  return params.length === 0 ? base : `${base}?${params.join('&')}`;
}
