import { Go2rtcApiError, Go2rtcStreamExistsError, Go2rtcUnavailableError } from './errors.js';
import { redactText } from '@shiriki/telemetry';
import { describeRequestUrl } from './redact.js';
import { streamListSchema, streamSchema } from './schemas.js';
import { summariseHealth, toStream } from './stream-info.js';
import type { Go2rtcStream, Go2rtcStreamHealth } from './types.js';

export interface Go2rtcClientOptions {
  /**
   * go2rtc's API base, e.g. `http://127.0.0.1:1984`; a base path (`http://host/go2rtc`) is kept. Credentials
   * in the URL are taken as basic auth, because fetch refuses URLs that carry them.
   */
  apiUrl: string;
  /** Basic auth user, matching `api.username` in go2rtc's config. */
  username?: string;
  password?: string;
  /** Timeout of every request, including reading the body. */
  timeoutMs?: number;
}

export const GO2RTC_CLIENT_DEFAULTS = { timeoutMs: 5000 } as const;

export interface SnapshotOptions {
  /** Scale the JPEG (go2rtc passes these to ffmpeg); one of them keeps the aspect ratio. */
  width?: number;
  height?: number;
  /** Overrides the client timeout: a cold snapshot waits for the source to connect and for a keyframe. */
  timeoutMs?: number;
}

type Params = ReadonlyArray<readonly [string, string]>;
const MAX_BODY_IN_ERROR = 300;

/**
 * Typed client for go2rtc's HTTP API (checked against v1.9.14). Stream changes go to the running go2rtc and,
 * for PUT and DELETE, into its config file too (go2rtc patches the file it was started with).
 */
export class Go2rtcClient {
  private readonly base: URL;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: Go2rtcClientOptions) {
    const base = new URL(options.apiUrl);
    const username = options.username ?? decodeURIComponent(base.username);
    const password = options.password ?? decodeURIComponent(base.password);
    base.username = '';
    base.password = '';
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.base = base;
    this.authorization =
      username !== '' ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` : undefined;
    this.timeoutMs = options.timeoutMs ?? GO2RTC_CLIENT_DEFAULTS.timeoutMs;
  }

  /** Every stream go2rtc knows, by name. */
  async listStreams(): Promise<Record<string, Go2rtcStream>> {
    const raw = await this.requestJson('GET', 'api/streams', [], streamListSchema);
    return Object.fromEntries(Object.entries(raw).map(([name, stream]) => [name, toStream(stream)]));
  }

  /** One stream, or undefined when go2rtc has no stream of that name. */
  async getStream(name: string): Promise<Go2rtcStream | undefined> {
    try {
      return toStream(await this.requestJson('GET', 'api/streams', [['src', name]], streamSchema));
    } catch (error) {
      if (error instanceof Go2rtcApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * Creates a stream; fails with `Go2rtcStreamExistsError` if the name is taken. go2rtc has no conditional
   * create, so this checks first and a concurrent writer can still win the race.
   */
  async addStream(name: string, source: string | readonly string[]): Promise<void> {
    if ((await this.getStream(name)) !== undefined) throw new Go2rtcStreamExistsError(name);
    await this.upsertStream(name, source);
  }

  /**
   * Creates the stream or replaces it with new producers (go2rtc's PUT: a fresh stream object under the name,
   * also written to go2rtc's config file). Consumers already attached keep the old producers until they
   * reconnect. go2rtc rejects sources it has no handler for, `exec:`/`echo:`/`expr:` (only allowed in the
   * config file) and any source containing whitespace, with status 400.
   */
  async upsertStream(name: string, source: string | readonly string[]): Promise<void> {
    const sources = typeof source === 'string' ? [source] : source;
    await this.request('PUT', 'api/streams', [['name', name], ...sources.map((s) => ['src', s] as const)]);
  }

  /**
   * Removes the stream from go2rtc and its config file. go2rtc answers 200 whether or not the stream existed,
   * and does not stop producers that still feed connected consumers.
   */
  async deleteStream(name: string): Promise<void> {
    await this.request('DELETE', 'api/streams', [['src', name]]);
  }

  /** A summary of the stream's state, or undefined when go2rtc has no stream of that name. */
  async streamHealth(name: string): Promise<Go2rtcStreamHealth | undefined> {
    const stream = await this.getStream(name);
    return stream && summariseHealth(stream);
  }

  /**
   * One JPEG frame (`/api/frame.jpeg`): go2rtc connects the source if needed, waits for a keyframe and has
   * ffmpeg transcode H264/H265 to JPEG. go2rtc answers 200 with an empty body when the source fails, which
   * becomes a `Go2rtcApiError` here.
   */
  async snapshot(name: string, options: SnapshotOptions = {}): Promise<Buffer> {
    const params: Array<readonly [string, string]> = [['src', name]];
    if (options.width !== undefined) params.push(['width', String(options.width)]);
    if (options.height !== undefined) params.push(['height', String(options.height)]);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const { response, url, signal } = await this.request('GET', 'api/frame.jpeg', params, timeoutMs);
    const body = Buffer.from(await readBody(response, 'GET', url, signal, (r) => r.arrayBuffer()));
    if (body.length < 4 || body[0] !== 0xff || body[1] !== 0xd8) {
      throw new Go2rtcApiError(
        `go2rtc returned no JPEG for stream "${name}" (${body.length} bytes); its log says why the source failed`,
        response.status,
        'GET',
        describeRequestUrl(url),
        '',
      );
    }
    return body;
  }

  private async requestJson<T>(
    method: string,
    path: string,
    params: Params,
    schema: { parse(value: unknown): T },
  ): Promise<T> {
    const { response, url, signal } = await this.request(method, path, params);
    const text = await readBody(response, method, url, signal, (r) => r.text());
    try {
      return schema.parse(JSON.parse(text));
    } catch (cause) {
      throw new Go2rtcApiError(
        `go2rtc answered ${method} ${describeRequestUrl(url)} with an unexpected body`,
        response.status,
        method,
        describeRequestUrl(url),
        excerpt(text),
        { cause },
      );
    }
  }

  private async request(
    method: string,
    path: string,
    params: Params,
    timeoutMs = this.timeoutMs,
  ): Promise<{ response: Response; url: URL; signal: AbortSignal }> {
    // go2rtc treats an empty `src` as "all streams": a GET lists them and a DELETE silently does nothing.
    if (params.some(([key, value]) => (key === 'src' || key === 'name') && value === '')) {
      throw new TypeError(`go2rtc ${method} ${path}: stream name and source must not be empty`);
    }
    const url = new URL(path, this.base);
    for (const [key, value] of params) url.searchParams.append(key, value);
    const signal = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = {};
    if (this.authorization) headers.authorization = this.authorization;
    let response: Response;
    try {
      response = await fetch(url, { method, headers, signal });
    } catch (cause) {
      throw unavailable(method, url, signal, cause);
    }
    if (!response.ok) {
      const text = await readBody(response, method, url, signal, (r) => r.text());
      const detail = excerpt(text);
      throw new Go2rtcApiError(
        `go2rtc answered ${method} ${describeRequestUrl(url)} with ${response.status}${detail ? `: ${detail}` : ''}`,
        response.status,
        method,
        describeRequestUrl(url),
        detail,
      );
    }
    return { response, url, signal };
  }
}

async function readBody<T>(
  response: Response,
  method: string,
  url: URL,
  signal: AbortSignal,
  read: (response: Response) => Promise<T>,
): Promise<T> {
  try {
    return await read(response);
  } catch (cause) {
    throw unavailable(method, url, signal, cause);
  }
}

function unavailable(method: string, url: URL, signal: AbortSignal, cause: unknown): Go2rtcUnavailableError {
  const reason = signal.aborted ? 'timeout' : 'network';
  const what = reason === 'timeout' ? 'did not answer in time' : 'could not be reached';
  return new Go2rtcUnavailableError(
    `go2rtc ${what}: ${method} ${describeRequestUrl(url)}`,
    method,
    describeRequestUrl(url),
    reason,
    { cause },
  );
}

function excerpt(text: string): string {
  const trimmed = redactText(text.trim());
  return trimmed.length > MAX_BODY_IN_ERROR ? `${trimmed.slice(0, MAX_BODY_IN_ERROR)}…` : trimmed;
}
