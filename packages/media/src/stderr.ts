/** Longest stderr line kept; ffmpeg never prints more in one message, a runaway line is cut. */
const MAX_LINE_LENGTH = 2000;

/**
 * Splits ffmpeg's stderr text into lines. ffmpeg ends progress lines with `\r` and messages with `\n`;
 * both end a line here. Empty lines are dropped.
 */
export class LineSplitter {
  #partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(text: string): void {
    const parts = (this.#partial + text).split(/\r\n|\r|\n/);
    this.#partial = (parts.pop() ?? '').slice(-MAX_LINE_LENGTH);
    for (const part of parts) this.#emit(part);
  }

  /** Emits what is left when the stream ends. */
  flush(): void {
    const rest = this.#partial;
    this.#partial = '';
    this.#emit(rest);
  }

  #emit(line: string): void {
    const trimmed = line.trimEnd().slice(0, MAX_LINE_LENGTH);
    if (trimmed !== '') this.onLine(trimmed);
  }
}

/**
 * Lines ffmpeg prints on every start of a working decode, which say nothing about the camera: swscale's
 * note on the full-range `yuvj` formats, which the JPEG output uses on purpose (JPEG is full range).
 */
const ROUTINE_LINES: readonly RegExp[] = [
  /deprecated pixel format used, make sure you did set range correctly/,
];

/** Whether a stderr line is routine (logged at debug, not as a warning). */
export function isRoutineStderr(line: string): boolean {
  return ROUTINE_LINES.some((pattern) => pattern.test(line));
}

/** stderr patterns, most specific first, and the short reason reported for each. */
const REASONS: readonly (readonly [RegExp, (match: RegExpMatchArray) => string])[] = [
  // RTSP (`method DESCRIBE failed: 404 Not Found`), HTTP (`Server returned 401 Unauthorized (...)`).
  [/(?:failed|returned|HTTP error):? ([45]\d\d [A-Za-z][A-Za-z' -]*?)\s*(?:\(|$)/, (m) => m[1] ?? ''],
  [/Connection refused/i, () => 'Connection refused'],
  [/Connection timed out|Operation timed out/i, () => 'Connection timed out'],
  [/No route to host/i, () => 'No route to host'],
  [/Network is unreachable/i, () => 'Network is unreachable'],
  [/Connection reset by peer/i, () => 'Connection reset by peer'],
  [
    /Failed to resolve hostname|Name or service not known|Temporary failure in name resolution/i,
    () => 'Host not found',
  ],
  [/Invalid data found when processing input/i, () => 'Invalid data found when processing input'],
  [/No such file or directory/i, () => 'No such file or directory'],
  [/Permission denied/i, () => 'Permission denied'],
  [/Unrecognized option '([^']+)'/, (m) => `Unrecognized option '${m[1] ?? ''}'`],
  [/Option (\S+) not found/, (m) => `Option ${m[1] ?? ''} not found`],
  [/Unknown decoder '([^']+)'/, (m) => `Unknown decoder '${m[1] ?? ''}'`],
  [/Device creation failed|hwaccel initialisation returned error/i, () => 'Hardware decoder failed'],
  [/End of file/i, () => 'End of file'],
];

/**
 * The short cause of a failure in one stderr line (`Connection refused`, `404 Not Found`,
 * `Invalid data found when processing input`), or `undefined` when the line is not a known failure.
 * Pass redacted lines: a reason may quote part of the line.
 */
export function parseStderrReason(line: string): string | undefined {
  for (const [pattern, reason] of REASONS) {
    const match = pattern.exec(line);
    if (match) return reason(match);
  }
  return undefined;
}
