import { Writable } from 'node:stream';
import {
  ClipReadySchema,
  ObjectEventSchema,
  connectBus,
  createSubjects,
  defaultStreams,
  encodeJson,
  ensureStream,
  type Bus,
  type ClipReady,
  type ObjectEvent,
  type Subjects,
} from '@shiriki/bus';
import { parseConfig, type ShirikiConfig } from '@shiriki/config';
import { createObjectStore, type ObjectStore } from '@shiriki/storage';
import { createLogger, createMetrics } from '@shiriki/telemetry';
import {
  makeTempDir,
  removeTempDir,
  type Go2rtcServer,
  type MinioServer,
  type NatsServer,
} from '@shiriki/testing';
import { ApiServer } from '@shiriki/api';

/** A camera password that must never leave the config: tests grep every output for it. */
export const CAMERA_SECRET = 'Cam3raS3cretXyz';

export interface HarnessOptions {
  nats: NatsServer;
  go2rtc?: Go2rtcServer | undefined;
  minio?: MinioServer | undefined;
  /** `postgres` needs `postgresUrl`. */
  postgresUrl?: string | undefined;
  /** Extra YAML under `api:` (indented two spaces). */
  apiYaml?: string;
  dataDir?: string;
}

/** One api server on real NATS (and go2rtc, MinIO, PostgreSQL when given), with every log line kept. */
export class ApiHarness {
  readonly logs: string[] = [];
  server!: ApiServer;
  bus!: Bus;
  store!: ObjectStore;
  config!: ShirikiConfig;
  readonly subjects: Subjects = createSubjects('shiriki');
  adminPassword: string | undefined;
  readonly dataDir: string;
  readonly #ownsDataDir: boolean;
  #seq = 0;

  constructor(private readonly options: HarnessOptions) {
    this.#ownsDataDir = options.dataDir === undefined;
    this.dataDir = options.dataDir ?? makeTempDir('api-harness');
  }

  get url(): string {
    return this.server.url;
  }

  configYaml(): string {
    const { nats, go2rtc, minio, postgresUrl } = this.options;
    const storage = minio
      ? `storage:\n  type: s3\n  s3: { endpoint: 127.0.0.1, port: ${minio.port}, access_key: ${minio.accessKey}, secret_key: ${minio.secretKey}, bucket: api-test-${Math.random().toString(36).slice(2, 8)} }\n`
      : 'storage:\n  type: local\n';
    const index = postgresUrl ? `  index: { type: postgres, postgres_url: '${postgresUrl}' }\n` : '';
    return [
      `data_dir: ${this.dataDir}`,
      `nats: { servers: ['${nats.url}'] }`,
      go2rtc
        ? `go2rtc: { api_url: '${go2rtc.apiUrl}', rtsp_url: 'rtsp://127.0.0.1:${go2rtc.rtspPort}' }`
        : `go2rtc: { api_url: 'http://127.0.0.1:9', rtsp_url: 'rtsp://127.0.0.1:9' }`,
      'cameras:',
      `  front: { source: 'rtsp://admin:${CAMERA_SECRET}@10.0.0.9:554/main', zones: { porch: { coordinates: [[0, 0], [0.5, 0], [0.5, 0.5]] } } }`,
      `  synthetic: { source: 'rtsp://viewer:${CAMERA_SECRET}@10.0.0.10/x' }`,
      storage,
      index + (this.options.apiYaml ?? '') === '' ? 'api: {}' : `api:\n${index}${this.options.apiYaml ?? ''}`,
      'telemetry: { log_level: debug }',
      '',
    ].join('\n');
  }

  readonly #logger = createLogger({
    service: 'api',
    level: 'debug',
    destination: new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.logs.push(chunk.toString());
        done();
      },
    }),
  });

  /** Connects the test's bus and makes sure the events and clips streams exist. */
  async connect(): Promise<Bus> {
    this.bus ??= await connectBus(
      { servers: [this.options.nats.url] },
      { logger: this.#logger, name: 'api-test' },
    );
    const streams = defaultStreams(this.subjects);
    await ensureStream(this.bus.jsm, streams.events);
    await ensureStream(this.bus.jsm, streams.clips);
    return this.bus;
  }

  async start(): Promise<this> {
    this.config = parseConfig(this.configYaml(), { env: {}, baseDir: this.dataDir });
    const logger = this.#logger;
    await this.connect();
    this.store = createObjectStore(this.config.storage, { logger });
    this.server = await ApiServer.start({
      config: this.config,
      bus: this.bus,
      subjects: this.subjects,
      logger,
      registry: createMetrics({ service: 'api', instance: 'test' }),
      listen: { host: '127.0.0.1', port: 0 },
      store: this.store,
      announceInitialAdmin: ({ password }) => (this.adminPassword = password),
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  async dispose(): Promise<void> {
    await this.stop();
    await this.bus?.drain();
    if (this.#ownsDataDir) await removeTempDir(this.dataDir);
  }

  async publishEvent(event: ObjectEvent): Promise<number> {
    const ack = await this.bus.js.publish(
      this.subjects.events(event.camera, event.label),
      encodeJson(ObjectEventSchema, event),
      { msgID: `${event.id}-${event.type}-${++this.#seq}` },
    );
    return ack.seq;
  }

  async publishClip(clip: ClipReady): Promise<number> {
    const ack = await this.bus.js.publish(
      this.subjects.clips(clip.camera),
      encodeJson(ClipReadySchema, clip),
    );
    return ack.seq;
  }

  /** Logs in and returns the `cookie` header value for later requests. */
  async login(username = 'admin', password = this.adminPassword!): Promise<string> {
    const response = await fetch(`${this.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    const cookie = response.headers.get('set-cookie');
    if (!cookie) throw new Error('login set no cookie');
    return cookie.split(';')[0]!;
  }

  get(path: string, auth: string | undefined, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, { headers: { ...authHeader(auth), ...headers }, redirect: 'manual' });
  }
}

/** A cookie (`name=value`) or an API token (`shk_...`) as request headers. */
export function authHeader(auth: string | undefined): Record<string, string> {
  if (auth === undefined) return {};
  return auth.startsWith('shk_') ? { authorization: `Bearer ${auth}` } : { cookie: auth };
}
