import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { httpOk } from './http.js';
import { freePorts, LOOPBACK } from './ports.js';
import { ServerProcess, serverHandle, startOrDispose, type ServerHandle } from './server-process.js';
import { makeTempDir } from './temp.js';
import { resolveTool } from './tools.js';

export interface MinioOptions {
  /** MINIO_ROOT_USER, at least 3 characters. Default `shiriki`. */
  accessKey?: string;
  /** MINIO_ROOT_PASSWORD, at least 8 characters. Default `shiriki-secret`. */
  secretKey?: string;
  /** Keep the temp dir (data and log) after `dispose()`. Default false. */
  keepData?: boolean;
  /** Default 30 000 ms. */
  readyTimeoutMs?: number;
}

export const MINIO_DEFAULTS = {
  accessKey: 'shiriki',
  secretKey: 'shiriki-secret',
  keepData: false,
  readyTimeoutMs: 30_000,
  termGraceMs: 5_000,
} as const;

/** A single-drive MinIO on 127.0.0.1; its first fields are the `minio` client's options. */
export interface MinioServer extends ServerHandle {
  readonly endPoint: string;
  readonly port: number;
  readonly useSSL: false;
  readonly accessKey: string;
  readonly secretKey: string;
  /** `http://127.0.0.1:<port>`, for S3 clients that take a URL. */
  readonly url: string;
  /** The web console, on its own free port. */
  readonly consoleUrl: string;
  readonly tempDir: string;
  /** The drive MinIO serves buckets from. */
  readonly dataDir: string;
  readonly logFile: string;
}

/** Starts `minio server` and resolves once `/minio/health/ready` answers. */
export async function startMinio(options: MinioOptions = {}): Promise<MinioServer> {
  const { accessKey, secretKey, keepData, readyTimeoutMs, termGraceMs } = { ...MINIO_DEFAULTS, ...options };
  const command = resolveTool('minio');
  const [port, consolePort] = await freePorts(2);
  if (port === undefined || consolePort === undefined) throw new Error('freePorts(2) returned too few ports');
  const tempDir = makeTempDir('minio', { keep: keepData });
  const dataDir = join(tempDir, 'data');
  mkdirSync(dataDir);
  const logFile = join(tempDir, 'minio.log');
  const url = `http://${LOOPBACK}:${port}`;
  const proc = new ServerProcess({
    name: `minio[:${port}]`,
    command,
    args: [
      ...['server', dataDir, '--address', `${LOOPBACK}:${port}`],
      ...['--console-address', `${LOOPBACK}:${consolePort}`],
    ],
    env: {
      ...process.env,
      MINIO_ROOT_USER: accessKey,
      MINIO_ROOT_PASSWORD: secretKey,
      // No update checks or anonymous usage reports from a test server.
      MINIO_UPDATE: 'off',
      MINIO_CALLHOME_ENABLE: 'off',
    },
    logFile,
    isReady: () => httpOk(`${url}/minio/health/ready`),
    readyTimeoutMs,
    termGraceMs,
  });
  const server: MinioServer = serverHandle(
    proc,
    {
      endPoint: LOOPBACK,
      port,
      useSSL: false,
      accessKey,
      secretKey,
      url,
      consoleUrl: `http://${LOOPBACK}:${consolePort}`,
      tempDir,
      dataDir,
      logFile,
    },
    { tempDir, keepData },
  );
  return startOrDispose(server);
}
