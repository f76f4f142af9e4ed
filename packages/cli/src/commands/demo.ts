import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  AlertSchema,
  CameraStatusSchema,
  ClipReadySchema,
  MotionAlertSchema,
  ObjectEventSchema,
  connectBus,
  createSubjects,
  subscribeJson,
  type CameraStatus,
} from '@shiriki/bus';
import { spawnChild, type ManagedChild } from '@shiriki/process';
import { createLogger } from '@shiriki/telemetry';
import {
  assetsDir,
  defaultGo2rtcStreams,
  repoRoot,
  startGo2rtc,
  startMinio,
  startNatsServer,
} from '@shiriki/stack';
import { formatAlert, formatClip, formatEvent, formatMotion } from './tail.js';

export interface DemoOptions {
  /** Stop after this long; run until Ctrl-C when undefined. */
  durationS?: number | undefined;
}

/** The services the demo runs, in start order; each reads the same generated config file. */
const SERVICES = ['ingest', 'detector', 'tracker', 'recorder'] as const;

/** The demo's bucket in its MinIO. */
const BUCKET = 'shiriki-demo';

/**
 * Brings up the whole pipeline on this machine: nats-server, go2rtc looping the sample clips as cameras,
 * MinIO, and every shiriki service (ingest, detector, tracker, recorder) as its own process, then prints what
 * the pipeline sees: motion, object events, alerts, clips stored in MinIO and camera status. Everything runs
 * from temporary directories and is stopped on exit.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const assets = assetsDir();
  console.log(`assets: ${assets}`);
  const nats = await startNatsServer({ jetstream: true });
  const go2rtc = await startGo2rtc();
  const minio = await startMinio();
  console.log(
    `nats:   ${nats.url}\ngo2rtc: ${go2rtc.apiUrl} (rtsp rtsp://127.0.0.1:${go2rtc.rtspPort}/<camera>)\nminio:  ${minio.url}`,
  );
  const workDir = await mkdtemp(join(tmpdir(), 'shiriki-demo-'));
  const configPath = join(workDir, 'shiriki.yaml');
  const streams = defaultGo2rtcStreams();
  await writeFile(
    configPath,
    stringify({
      assets_dir: assets,
      nats: { servers: [nats.url] },
      go2rtc: { api_url: go2rtc.apiUrl, rtsp_url: `rtsp://127.0.0.1:${go2rtc.rtspPort}` },
      cameras: Object.fromEntries(Object.entries(streams).map(([name, source]) => [name, { source }])),
      motion: { off_delay_s: 5 },
      record: {
        ring_dir: join(workDir, 'ring'),
        spool: { dir: join(workDir, 'spool') },
        pre_capture: 3,
        post_capture: 3,
        segment_seconds: 2,
      },
      storage: {
        type: 's3',
        s3: {
          endpoint: minio.endPoint,
          port: minio.port,
          use_ssl: false,
          access_key: minio.accessKey,
          secret_key: minio.secretKey,
          bucket: BUCKET,
        },
      },
      telemetry: { metrics_port: 0 },
    }),
  );

  const children: ManagedChild[] = [];
  for (const service of SERVICES) {
    const main = join(repoRoot(), 'services', service, 'src', 'main.ts');
    const child = await spawnChild(
      process.execPath,
      ['--conditions=shiriki-source', '--import', 'tsx', main, '--config', configPath],
      {
        name: service,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, SHIRIKI_METRICS_PORT: '0' },
      },
    );
    children.push(child);
    console.log(`started ${service} (pid ${child.pid})`);
  }

  const logger = createLogger({ service: 'demo', level: 'warn', destination: process.stderr });
  const bus = await connectBus({ servers: [nats.url] }, { logger, name: 'shiriki-demo' });
  const subjects = createSubjects();
  const statuses = new Map<string, CameraStatus>();
  subscribeJson(bus.nc, subjects.motionAll, MotionAlertSchema, (m) => console.log(formatMotion(m)), {
    logger,
  });
  subscribeJson(bus.nc, subjects.alertsAll, AlertSchema, (a) => console.log(formatAlert(a)), { logger });
  subscribeJson(
    bus.nc,
    subjects.eventsAll,
    ObjectEventSchema,
    (e) => {
      if (e.type !== 'update') console.log(formatEvent(e));
    },
    { logger },
  );
  subscribeJson(
    bus.nc,
    subjects.clipsAll,
    ClipReadySchema,
    (c) => console.log(`${formatClip(c)}  ${minio.url}/${BUCKET}/${c.keys.clip}`),
    { logger },
  );
  subscribeJson(bus.nc, subjects.cameraStatusAll, CameraStatusSchema, (s) => void statuses.set(s.camera, s), {
    logger,
  });
  const report = setInterval(() => {
    for (const s of statuses.values()) {
      console.log(
        `status  ${s.camera.padEnd(16)} ${s.state.padEnd(9)} ${s.fps_in.toFixed(1)} fps in, ${s.frames_published} frames published, ${s.frames_dropped} dropped${s.reason ? `, ${s.reason}` : ''}`,
      );
    }
  }, 10_000);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (options.durationS !== undefined) setTimeout(resolve, options.durationS * 1000);
  });
  console.log('stopping');
  clearInterval(report);
  await Promise.all(children.map((child) => child.stop({ termGraceMs: 15_000 })));
  await bus.drain();
  await Promise.all([minio.dispose(), go2rtc.dispose(), nats.dispose()]);
  await rm(workDir, { recursive: true, force: true });
}
