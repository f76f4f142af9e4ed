/**
 * The URL go2rtc's RTSP server serves a stream at: `rtspUrl('front door', 'rtsp://127.0.0.1:8554')` is
 * `rtsp://127.0.0.1:8554/front%20door`. A path or credentials in `rtspBase` are kept.
 */
export function rtspUrl(name: string, rtspBase: string): string {
  const base = new URL(rtspBase);
  if (base.protocol !== 'rtsp:' && base.protocol !== 'rtsps:') {
    throw new TypeError(`rtspBase must be an rtsp:// or rtsps:// URL, got "${base.protocol}//${base.host}"`);
  }
  const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  base.pathname = `${prefix}${encodeURIComponent(name)}`;
  base.search = '';
  base.hash = '';
  return base.toString();
}
