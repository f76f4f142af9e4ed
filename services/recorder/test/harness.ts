import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  ClipReadySchema,
  ObjectEventSchema,
  connectBus,
  decodeJson,
  encodeJson,
  type Bus,
  type ClipReady,
  type ObjectEvent,
  type Subjects,
} from '@shiriki/bus';
import type { ShirikiConfig } from '@shiriki/config';
import { RecorderWorker, createRecorderMetrics, recorderWorkerSettingsFromConfig } from '@shiriki/recorder';
import { createObjectStore, type ObjectStore } from '@shiriki/storage';
import { createLogger, createMetrics } from '@shiriki/telemetry';
import { resolveFfmpegPath, spawnChild, type ManagedChild } from '@shiriki/process';
import {
  assetPath,
  loopingFileSource,
  repoRoot,
  startGo2rtc,
  startMinio,
  startNatsServer,
  type Go2rtcServer,
  type MinioServer,
  type NatsServer,
} from '@shiriki/testing';

export const CAMERA = 'person-walk';
export const PRE_S = 3;
export const POST_S = 3;
export const SEGMENT_S = 2;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

export interface RecorderTestConfig {
  natsUrl: string;
  prefix: string;
  minio: MinioServer;
  bucket: string;
  rtspBase: string;
  dir: string;
}

export function recorderConfigObject(o: RecorderTestConfig): Record<string, unknown> {
  return {
    nats: { servers: [o.natsUrl], subject_prefix: o.prefix },
    go2rtc: { rtsp_url: o.rtspBase },
    storage: {
      type: 's3',
      s3: {
        endpoint: o.minio.endPoint,
        port: o.minio.port,
        use_ssl: false,
        access_key: o.minio.accessKey,
        secret_key: o.minio.secretKey,
        bucket: o.bucket,
      },
    },
    ingest: { lease_ttl_s: 4, heartbeat_s: 1 },
    recorder: { lease_ttl_s: 4, heartbeat_s: 1 },
    record: {
      segment_seconds: SEGMENT_S,
      pre_capture: PRE_S,
      post_capture: POST_S,
      ring_dir: join(o.dir, 'ring'),
      ring: { max_seconds: 120 },
      spool: { dir: join(o.dir, 'spool') },
    },
    telemetry: { log_level: 'info', metrics_port: 0 },
    cameras: { [CAMERA]: { source: 'rtsp://127.0.0.1:8554/unused' } },
  };
}

let eventSequence = 0;

/** An object event as the tracker publishes it. */
export function objectEvent(
  type: ObjectEvent['type'],
  id: string,
  startMs: number,
  endMs?: number,
): ObjectEvent {
  return {
    type,
    id,
    camera: CAMERA,
    label: 'person',
    score: 0.9,
    top_score: 0.9,
    box: [100, 100, 200, 300],
    zones: [],
    entered_zones: [],
    start_time: Math.round(startMs),
    ...(endMs !== undefined ? { end_time: Math.round(endMs) } : {}),
    frame_time: Math.round(endMs ?? startMs),
    stationary: false,
  };
}

export async function publishEvent(
  js: JetStreamClient,
  subjects: Subjects,
  event: ObjectEvent,
): Promise<void> {
  await js.publish(subjects.events(event.camera, event.label), encodeJson(ObjectEventSchema, event), {
    msgID: `${event.id}-${event.type}-${eventSequence++}`,
  });
}

/** Every ClipReady seen on core NATS, in order. */
export function collectClipReady(nc: NatsConnection, subjects: Subjects): ClipReady[] {
  const seen: ClipReady[] = [];
  const sub = nc.subscribe(subjects.clipsAll);
  void (async () => {
    for await (const msg of sub) seen.push(decodeJson(ClipReadySchema, msg.data));
  })();
  return seen;
}

/** `ffmpeg -v error -i file -f null -`: exit code, error output and the decoded duration (last `time=`). */
export async function decodeCheck(
  file: string,
): Promise<{ code: number | null; errors: string; durationS: number }> {
  const child = await spawnChild(
    resolveFfmpegPath(),
    ['-nostdin', '-v', 'error', '-stats', '-i', file, '-f', 'null', '-'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let text = '';
  child.process.stderr?.setEncoding('utf8');
  child.process.stderr?.on('data', (chunk: string) => (text += chunk));
  const exit = await child.exited;
  await sleep(50);
  const lines = text.split(/\r|\n/).filter((l) => l.trim() !== '');
  const times = lines.flatMap((l) => {
    const m = /time=\s*(\d+):(\d+):(\d+(?:\.\d+)?)/.exec(l);
    return m ? [Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])] : [];
  });
  const errors = lines.filter((l) => !/time=/.test(l)).join('\n');
  return { code: exit.code, errors, durationS: times.at(-1) ?? 0 };
}

export function writeConfig(dir: string, config: Record<string, unknown>): string {
  const path = join(dir, `shiriki-${Math.random().toString(36).slice(2, 8)}.yaml`);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** Runs `services/recorder/src/main.ts` as its own process; output appended to `logFile`. */
export async function spawnRecorder(configPath: string, logFile: string): Promise<ManagedChild> {
  const root = repoRoot();
  const child = await spawnChild(
    process.execPath,
    [
      ...['--conditions=shiriki-source', '--import', 'tsx'],
      ...[join(root, 'services/recorder/src/main.ts'), '--config', configPath],
    ],
    {
      name: 'recorder',
      cwd: root,
      env: { ...process.env, SHIRIKI_METRICS_PORT: '0', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = createWriteStream(logFile, { flags: 'a' });
  child.process.stdout?.pipe(log);
  child.process.stderr?.pipe(log);
  return child;
}

/** The real servers every recorder test needs: NATS, MinIO and go2rtc looping person-walk as {@link CAMERA}. */
export interface RecorderServers {
  nats: NatsServer;
  minio: MinioServer;
  go2rtc: Go2rtcServer;
  dispose(): Promise<void>;
}

export async function startRecorderServers(): Promise<RecorderServers> {
  const [nats, minio, go2rtc] = await Promise.all([
    startNatsServer(),
    startMinio(),
    startGo2rtc({
      streams: { [CAMERA]: loopingFileSource(resolveFfmpegPath(), assetPath('media/person-walk.mp4')) },
    }),
  ]);
  return {
    nats,
    minio,
    go2rtc,
    dispose: async () => {
      await Promise.all([nats.dispose(), minio.dispose(), go2rtc.dispose()]);
    },
  };
}

/** A recorder worker in the test process, on its own NATS connection and object store. */
export interface InProcessRecorder {
  worker: RecorderWorker;
  bus: Bus;
  store: ObjectStore;
  stop(): Promise<void>;
}

export async function startInProcessRecorder(
  config: ShirikiConfig,
  o: { workerId: string; subjects: Subjects; service: string },
): Promise<InProcessRecorder> {
  const logger = createLogger({ service: o.service, level: 'warn' });
  const bus = await connectBus({ servers: config.nats.servers }, { logger, name: 'recorder' });
  const store = createObjectStore(config.storage, { logger });
  const worker = new RecorderWorker({
    ...recorderWorkerSettingsFromConfig(config),
    workerId: o.workerId,
    store,
    bus,
    subjects: o.subjects,
    logger,
    metrics: createRecorderMetrics(createMetrics({ service: 'recorder', instance: o.workerId })),
    spoolDrainIntervalMs: 1000,
  });
  await worker.start();
  return {
    worker,
    bus,
    store,
    stop: async () => {
      await worker.stop();
      await bus.drain();
    },
  };
}
