import { join } from 'node:path';
import { encodeFrame } from '@shiriki/bus';
import { assetPath, assetsDir, decodeClipFrames, writeServiceConfig } from '@shiriki/testing';

export const WIDTH = 640;
export const HEIGHT = 360;

/** `count` 640x360 yuv420p frames of person-walk.mp4 from `startS` seconds at `fps`. */
export function clipFrames(startS: number, count: number, fps = 5): Uint8Array[] {
  return decodeClipFrames(assetPath('media/person-walk.mp4'), {
    width: WIDTH,
    height: HEIGHT,
    fps,
    from: startS,
    count,
  });
}

/** A frame message as ingest publishes it, captured now, the whole frame as one motion box. */
export function frameMessage(
  camera: string,
  sequence: number,
  payload: Uint8Array,
  captureTime = Date.now(),
): Uint8Array {
  return encodeFrame({
    camera,
    producer: 'test-ingest',
    producerEpoch: 1,
    sequence,
    captureTime,
    width: WIDTH,
    height: HEIGHT,
    pixelFormat: 'yuv420p',
    hasMotion: true,
    trackingRefresh: false,
    motionBoxes: [[0, 0, WIDTH, HEIGHT]],
    payload,
  });
}

export interface DetectorConfigOptions {
  natsUrl: string;
  prefix: string;
  cameras: string[];
  detector?: Record<string, unknown>;
  /** Extra top-level sections (go2rtc, ingest, detect). */
  extra?: Record<string, unknown>;
}

/** Writes a config every service of a test reads (JSON is valid YAML) and returns its path. */
export function writeTestConfig(dir: string, options: DetectorConfigOptions): string {
  const config = {
    assets_dir: assetsDir(),
    nats: { servers: [options.natsUrl], subject_prefix: options.prefix },
    storage: { type: 'local', local: { path: join(dir, 'store') } },
    detector: { intra_op_threads: 1, ...options.detector },
    telemetry: { log_level: 'info', metrics_port: 0 },
    cameras: Object.fromEntries(
      options.cameras.map((name) => [name, { source: `rtsp://127.0.0.1:8554/${name}` }]),
    ),
    ...options.extra,
  };
  return writeServiceConfig(dir, config);
}
