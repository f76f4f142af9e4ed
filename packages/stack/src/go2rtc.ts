import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { resolveFfmpegPath } from '@shiriki/process';
import { assetPath } from './assets.js';
import { clipSources, syntheticSource } from './go2rtc-sources.js';
import { httpOk } from './http.js';
import { freePorts, LOOPBACK } from './ports.js';
import { ServerProcess, serverHandle, startOrDispose, type ServerHandle } from './server-process.js';
import { makeTempDir } from './temp.js';
import { resolveTool } from './tools.js';

export type Go2rtcLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Go2rtcOptions {
  /**
   * go2rtc `streams:` (name -> source or sources). Default: `defaultGo2rtcStreams()`, one looping stream per
   * clip in `<assets>/media` plus `synthetic`.
   */
  streams?: Record<string, string | readonly string[]>;
  /** ffmpeg for go2rtc's `ffmpeg:` sources and the default streams. Default `resolveFfmpegPath()`. */
  ffmpegPath?: string;
  /** Basic auth on the API, for loopback clients too (go2rtc's `local_auth`). Default: none. */
  api?: Go2rtcApiAuth;
  /** More environment for go2rtc, e.g. values for `${VAR}` placeholders in sources. Default: none. */
  env?: NodeJS.ProcessEnv;
  /** Default `info`. */
  logLevel?: Go2rtcLogLevel;
  /** Keep the temp dir (config and log) after `dispose()`. Default false. */
  keepData?: boolean;
  /** Default 15 000 ms. */
  readyTimeoutMs?: number;
}

export interface Go2rtcApiAuth {
  username: string;
  password: string;
}

export const GO2RTC_DEFAULTS = {
  logLevel: 'info',
  keepData: false,
  readyTimeoutMs: 15_000,
  termGraceMs: 3_000,
} as const;

/** A go2rtc with API and RTSP on free loopback ports and every other listener off. */
export interface Go2rtcServer extends ServerHandle {
  /** `http://127.0.0.1:<apiPort>` */
  readonly apiUrl: string;
  readonly apiPort: number;
  readonly rtspPort: number;
  /** The generated go2rtc.yaml. */
  readonly configPath: string;
  readonly tempDir: string;
  readonly logFile: string;
  /** Names of the configured streams. */
  readonly streams: readonly string[];
  /** `rtsp://127.0.0.1:<rtspPort>/<stream>` */
  rtspUrl(stream: string): string;
}

/** Looping clips from `<assets>/media` (named by file base name) and the `synthetic` test pattern. */
export function defaultGo2rtcStreams(ffmpegPath: string = resolveFfmpegPath()): Record<string, string> {
  return { ...clipSources(ffmpegPath, assetPath('media')), synthetic: syntheticSource(ffmpegPath) };
}

/**
 * Starts go2rtc and resolves once `GET /api/streams` answers. Streams start lazily, when a client connects;
 * use `waitForRtspVideo(server.rtspUrl(name))` before relying on one.
 */
export async function startGo2rtc(options: Go2rtcOptions = {}): Promise<Go2rtcServer> {
  const { logLevel, keepData, readyTimeoutMs, termGraceMs } = { ...GO2RTC_DEFAULTS, ...options };
  const command = resolveTool('go2rtc');
  const ffmpegPath = options.ffmpegPath ?? resolveFfmpegPath();
  const streams = options.streams ?? defaultGo2rtcStreams(ffmpegPath);
  const [apiPort, rtspPort] = await freePorts(2);
  if (apiPort === undefined || rtspPort === undefined) throw new Error('freePorts(2) returned too few ports');
  const tempDir = makeTempDir('go2rtc', { keep: keepData });
  const configPath = join(tempDir, 'go2rtc.yaml');
  const logFile = join(tempDir, 'go2rtc.log');
  const { api } = options;
  writeFileSync(
    configPath,
    stringify(go2rtcConfig({ apiPort, rtspPort, ffmpegPath, logLevel, streams, api })),
  );
  const apiUrl = `http://${LOOPBACK}:${apiPort}`;
  const authHeaders = api && {
    authorization: `Basic ${Buffer.from(`${api.username}:${api.password}`).toString('base64')}`,
  };
  const proc = new ServerProcess({
    name: `go2rtc[:${apiPort}]`,
    command,
    args: ['-config', configPath],
    env: options.env && { ...process.env, ...options.env },
    logFile,
    isReady: () => httpOk(`${apiUrl}/api/streams`, authHeaders),
    readyTimeoutMs,
    termGraceMs,
  });
  const server: Go2rtcServer = serverHandle(
    proc,
    {
      apiUrl,
      apiPort,
      rtspPort,
      configPath,
      tempDir,
      logFile,
      streams: Object.keys(streams),
      rtspUrl: (stream: string) => `rtsp://${LOOPBACK}:${rtspPort}/${encodeURIComponent(stream)}`,
    },
    { tempDir, keepData },
  );
  return startOrDispose(server);
}

interface ConfigInput {
  apiPort: number;
  rtspPort: number;
  ffmpegPath: string;
  logLevel: Go2rtcLogLevel;
  streams: Record<string, string | readonly string[]>;
  api: Go2rtcApiAuth | undefined;
}

// An empty `listen` turns a module's listener off, so nothing binds go2rtc's default ports (1984, 8554, 8555).
// Without `local_auth` go2rtc lets loopback clients in without credentials, which would make auth untestable.
function go2rtcConfig({ apiPort, rtspPort, ffmpegPath, logLevel, streams, api }: ConfigInput): object {
  return {
    api: { listen: `${LOOPBACK}:${apiPort}`, ...(api && { ...api, local_auth: true }) },
    rtsp: { listen: `${LOOPBACK}:${rtspPort}` },
    webrtc: { listen: '' },
    srtp: { listen: '' },
    rtmp: { listen: '' },
    log: { level: logLevel, format: 'text', output: 'stdout' },
    ffmpeg: { bin: ffmpegPath },
    streams,
  };
}
