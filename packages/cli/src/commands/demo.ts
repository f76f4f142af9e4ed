import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import {
  CameraStatusSchema,
  connectBus,
  createSubjects,
  subscribeJson,
  type CameraStatus,
  type ClipReady,
} from '@shiriki/bus';
import type { ShirikiConfig } from '@shiriki/config';
import { resolveFfmpegPath } from '@shiriki/process';
import { busOptionsFromConfig } from '@shiriki/runtime';
import { assetPath, assetsDir, clipSources } from '@shiriki/stack';
import { createLogger } from '@shiriki/telemetry';
import { watchBus } from './tail.js';
import { up } from './up.js';

export interface DemoOptions {
  /** Stop after this long; run until Ctrl-C when undefined. */
  durationS?: number | undefined;
  /** Keep the data directory (clips, snapshots, recordings ring, logs) after the demo. */
  keep?: boolean | undefined;
  /** Where the demo keeps its data; default a new temporary directory. */
  dataDir?: string | undefined;
}

/**
 * The demo: `shiriki up` on a generated config whose cameras are the sample clips, looped by go2rtc in real
 * time, printing what the pipeline sees (motion, object events, alerts, camera status) and, for every
 * clip, the file to open. The data directory is removed afterwards unless `keep` is set.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const dataDir = resolve(options.dataDir ?? (await mkdtemp(join(tmpdir(), 'shiriki-demo-'))));
  const configPath = join(dataDir, 'demo.yaml');
  const cameras = clipSources(resolveFfmpegPath(), assetPath('media'));
  await writeFile(
    configPath,
    `# The demo config: the sample clips as cameras. Written by shiriki demo.\n${stringify({
      assets_dir: assetsDir(),
      data_dir: dataDir,
      cameras: Object.fromEntries(Object.entries(cameras).map(([name, source]) => [name, { source }])),
      motion: { off_delay_s: 5 },
      record: { pre_capture: 3, post_capture: 3, segment_seconds: 2 },
    })}`,
  );
  const clips: string[] = [];
  await up({
    config: configPath,
    durationS: options.durationS,
    onReady: (config) => watch(config, clips),
  });
  if (clips.length > 0)
    console.log(`\n${clips.length} clips:\n${clips.map((clip) => `  ${clip}`).join('\n')}`);
  if (options.keep) {
    console.log(
      `data kept in ${dataDir} (config ${configPath}); run it again with: shiriki --config ${configPath} up`,
    );
  } else {
    await rm(dataDir, { recursive: true, force: true });
    console.log(`removed ${dataDir} (scripts/demo.sh --keep keeps it)`);
  }
}

/** Prints the pipeline's messages as they come; returns what stops watching. */
async function watch(config: ShirikiConfig, clips: string[]): Promise<() => Promise<void>> {
  const logger = createLogger({ service: 'demo', level: 'warn', destination: process.stderr });
  const bus = await connectBus(busOptionsFromConfig(config.nats), { logger, name: 'shiriki-demo' });
  const subjects = createSubjects(config.nats.subject_prefix);
  const statuses = new Map<string, CameraStatus>();
  const where = (clip: ClipReady): string =>
    config.storage.type === 'local'
      ? join(config.storage.local.path, clip.keys.clip)
      : `s3://${config.storage.s3.bucket}/${clip.keys.clip}`;
  watchBus(bus, subjects, logger, {
    motion: true,
    events: true,
    alerts: true,
    clips: true,
    eventUpdates: false,
    onClip: (clip) => {
      clips.push(where(clip));
      return `open ${where(clip)}`;
    },
  });
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
  return async () => {
    clearInterval(report);
    await bus.drain();
  };
}
