// `shiriki up` as a user runs it, with the two servers a fault must be able to take away from it run by the
// proof itself: go2rtc (the cameras publish into it) and MinIO (the clip store). NATS and the services are
// up's own, supervised children.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CONFIG_OVERLAY_ENV } from '@shiriki/config';
import { subtree } from './process-tree.js';
import {
  assetsDir,
  freePort,
  repoRoot,
  startGo2rtc,
  startMinio,
  waitFor,
  type Go2rtcServer,
  type MinioServer,
  type TestCertificates,
  processesMentioning,
} from '@shiriki/testing';

export const SECRET_ENV = 'PROOF_S3_SECRET_KEY';
export const NATS_PASSWORD_ENV = 'PROOF_NATS_PASSWORD';
export const NATS_USER = 'shiriki';

export interface ProofStackOptions {
  dir: string;
  cameras: string[];
  /** A camera declared with a password in its URL whose host does not answer. */
  deadCamera?: { name: string; url: string };
  minioSecret: string;
  /** `up`'s nats-server asks for it (user `shiriki`). */
  natsPassword: string;
  /** `up`'s nats-server presents this certificate and takes only TLS; clients trust the CA. */
  natsTls: TestCertificates;
  /**
   * Size of a tmpfs mounted for the recorder's segment ring and upload spool, which the disk-full fault fills;
   * undefined (or not root) keeps them on the data dir's disk.
   */
  diskMiB?: number | undefined;
  /** Runs once go2rtc and MinIO are up, before `up` starts: the cameras start publishing here. */
  onServers?: (go2rtc: Go2rtcServer) => Promise<void>;
}

export type UpChild = 'nats' | 'ingest' | 'detector' | 'tracker' | 'recorder' | 'api';

/** The command-line fragment that tells `up`'s children apart (see packages/cli up). */
const CHILD_MARKERS: Record<UpChild, string> = {
  nats: 'nats-server',
  ingest: 'services/ingest/src/main.ts',
  detector: 'services/detector/src/main.ts',
  tracker: 'services/tracker/src/main.ts',
  recorder: 'services/recorder/src/main.ts',
  api: 'services/api/src/main.ts',
};

export class ProofStack {
  readonly configPath: string;
  readonly dataDir: string;
  #up: ChildProcess | undefined;
  #output = '';
  #exited: Promise<number | null> | undefined;
  #diskMounted = false;
  #stopping = false;
  readonly #extra: ChildProcess[] = [];

  private constructor(
    readonly options: ProofStackOptions,
    readonly go2rtc: Go2rtcServer,
    readonly minio: MinioServer,
  ) {
    this.configPath = join(options.dir, 'shiriki.yaml');
    this.dataDir = join(options.dir, 'data');
  }

  /** The recorder's small disk: the ring and the spool live here. */
  get diskDir(): string {
    return join(this.dataDir, 'disk');
  }

  /** Whether the recorder's disk is a tmpfs of its own, which the disk-full fault can fill. */
  get hasOwnDisk(): boolean {
    return this.#diskMounted;
  }

  static async start(options: ProofStackOptions): Promise<ProofStack> {
    const streams: Record<string, string[]> = Object.fromEntries(options.cameras.map((c) => [c, []]));
    if (options.deadCamera) streams[options.deadCamera.name] = [options.deadCamera.url];
    const [go2rtc, minio] = await Promise.all([
      startGo2rtc({ streams }),
      startMinio({ secretKey: options.minioSecret }),
    ]);
    const stack = new ProofStack(options, go2rtc, minio);
    if (options.diskMiB !== undefined && process.getuid?.() === 0) {
      mkdirSync(stack.diskDir, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${options.diskMiB}m`, 'tmpfs', stack.diskDir]);
      stack.#diskMounted = true;
    }
    await options.onServers?.(go2rtc);
    await stack.#writeConfig();
    try {
      await stack.#startUp();
    } catch (error) {
      console.error(`[proof] up did not come up; what it printed:\n${stack.output().slice(-3000)}`);
      await stack.stop();
      throw error;
    }
    return stack;
  }

  async #writeConfig(): Promise<void> {
    const { cameras, deadCamera } = this.options;
    const sources = Object.fromEntries(cameras.map((c) => [c, { source: this.go2rtc.rtspUrl(c) }]));
    await writeFile(
      this.configPath,
      stringify({
        assets_dir: assetsDir(),
        nats: {
          user: NATS_USER,
          password: `\${${NATS_PASSWORD_ENV}}`,
          tls: {
            ca_file: this.options.natsTls.caFile,
            server_cert_file: this.options.natsTls.certFile,
            server_key_file: this.options.natsTls.keyFile,
          },
        },
        go2rtc: {
          api_url: this.go2rtc.apiUrl,
          rtsp_url: `rtsp://127.0.0.1:${this.go2rtc.rtspPort}`,
          register_streams: false,
        },
        storage: {
          type: 's3',
          s3: {
            endpoint: this.minio.endPoint,
            port: this.minio.port,
            access_key: this.minio.accessKey,
            secret_key: `\${${SECRET_ENV}}`,
            bucket: 'proof',
          },
        },
        detector: { intra_op_threads: 1 },
        motion: { off_delay_s: 3 },
        record: {
          pre_capture: 2,
          post_capture: 2,
          segment_seconds: 2,
          ...(this.#diskMounted ? { ring_dir: 'disk/ring', spool: { dir: 'disk/spool' } } : {}),
        },
        cameras: deadCamera ? { ...sources, [deadCamera.name]: { source: deadCamera.url } } : sources,
      }),
    );
  }

  async #startUp(): Promise<void> {
    const cli = join(repoRoot(), 'packages', 'cli', 'src', 'main.ts');
    const child = spawn(
      process.execPath,
      [
        '--conditions=shiriki-source',
        '--import',
        'tsx',
        cli,
        '--config',
        this.configPath,
        'up',
        '--data-dir',
        this.dataDir,
      ],
      {
        cwd: repoRoot(),
        env: this.#env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#up = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(() => this.#output.includes('shiriki is up:'), {
      what: 'shiriki up to be ready',
      timeoutMs: 180_000,
    });
  }

  /** The environment the config's `${VAR}`s come from. */
  #env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      [SECRET_ENV]: this.options.minioSecret,
      [NATS_PASSWORD_ENV]: this.options.natsPassword,
    };
  }

  /** Everything `up` printed. */
  output(): string {
    return this.#output;
  }

  get apiUrl(): string {
    return this.#summary(/^ {2}web\/API\s+(http:\/\/\S+)/m, 'the api URL');
  }

  get adminPassword(): string {
    return this.#summary(/^ {2}login\s+admin \/ (\S+)/m, 'the first login');
  }

  /** `http://127.0.0.1:<port>` of each service's telemetry server (`/metrics`, `/readyz`), from up's summary. */
  metricsUrls(): string[] {
    return [...this.#output.matchAll(/^ {2}\w+\s+(http:\/\/127\.0\.0\.1:\d+)\/metrics$/gm)].map((m) => m[1]!);
  }

  natsUrl(): string {
    const overlay = parse(readFileSync(join(this.dataDir, 'up', 'overlay.yaml'), 'utf8')) as {
      nats: { servers: string[] };
    };
    return overlay.nats.servers[0]!;
  }

  logsDir(): string {
    return join(this.dataDir, 'logs');
  }

  /** The pid of `up`'s child, found by its command line. */
  pidOf(child: UpChild): number {
    const found = processesMentioning(this.configPath, this.dataDir).find((p) =>
      p.args.includes(CHILD_MARKERS[child]),
    );
    if (!found) throw new Error(`${child} is not running under up`);
    return found.pid;
  }

  /** Resolves when `up` reports `child` back after a crash it noticed after `since` characters of output. */
  async back(child: UpChild, since: number, timeoutMs: number): Promise<number> {
    await waitFor(() => this.#output.slice(since).includes(`  ${child} is back`), {
      what: `up to restart ${child}`,
      timeoutMs,
      intervalMs: 50,
    });
    return Date.now();
  }

  /**
   * A second ingest beside `up`'s, on the same config and servers, so that a killed ingest's cameras have
   * somewhere to go (its leases expire and this one takes them, or `up`'s restarted one does).
   */
  async startSecondIngest(): Promise<void> {
    const main = join(repoRoot(), 'services', 'ingest', 'src', 'main.ts');
    const child = spawn(
      process.execPath,
      ['--conditions=shiriki-source', '--import', 'tsx', main, '--config', this.configPath],
      {
        cwd: repoRoot(),
        env: {
          ...this.#env(),
          [CONFIG_OVERLAY_ENV]: join(this.dataDir, 'up', 'overlay.yaml'),
          SHIRIKI_METRICS_PORT: String(await freePort()),
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    this.#extra.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once('exit', (code, signal) => {
      if (!this.#stopping) console.error(`[proof] the second ingest exited (${signal ?? code}): ${stderr}`);
    });
  }

  /** `up` and every process under it. */
  processTree(): Set<number> {
    return new Set(this.#up?.pid === undefined ? [] : subtree(this.#up.pid));
  }

  async stop(): Promise<number | null> {
    this.#stopping = true;
    for (const child of this.#extra) child.kill('SIGTERM');
    this.#up?.kill('SIGTERM');
    const code = await this.#exited;
    await Promise.all([this.go2rtc.dispose(), this.minio.dispose()]);
    if (this.#diskMounted) execFileSync('umount', [this.diskDir]);
    return code ?? null;
  }

  #summary(pattern: RegExp, what: string): string {
    const value = pattern.exec(this.#output)?.[1];
    if (value === undefined) throw new Error(`up's summary does not give ${what}`);
    return value;
  }
}
