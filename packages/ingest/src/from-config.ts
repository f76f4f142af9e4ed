import type { CameraConfig, ShirikiConfig } from '@shiriki/config';
import { rtspUrl } from '@shiriki/go2rtc';
import type { CameraSettings } from './camera-pipeline.js';

/** The pipeline settings of one configured camera. */
export function cameraSettingsFromConfig(config: ShirikiConfig, camera: CameraConfig): CameraSettings {
  const { ingest } = config;
  const { motion } = camera;
  return {
    name: camera.name,
    inputUrl: rtspUrl(camera.name, config.go2rtc.rtsp_url),
    detect: { width: camera.detect.width, height: camera.detect.height, fps: camera.detect.fps },
    ffmpeg: {
      globalArgs: camera.ffmpeg.global_args,
      inputArgs: camera.ffmpeg.input_args,
      hwaccelArgs: camera.ffmpeg.hwaccel_args,
    },
    frames: { format: ingest.frames.format, jpegQuality: ingest.frames.jpeg_quality },
    detectEnabled: camera.detect.enabled,
    motionEnabled: motion.enabled,
    motionAlerts: config.alerts.enabled,
    motion: {
      frameHeight: motion.frame_height,
      threshold: motion.threshold,
      contourArea: motion.contour_area,
      improveContrast: motion.improve_contrast,
      frameAlpha: motion.frame_alpha,
      lightningThreshold: motion.lightning_threshold,
      calibrationFrames: motion.calibration_frames,
      mask: motion.mask,
    },
    motionOffDelayMs: motion.off_delay_s * 1000,
    publish: {
      trackedFrameIntervalMs: ingest.tracked_frame_interval_s * 1000,
      stationaryFrameIntervalMs: (camera.detect.stationary.interval_frames / camera.detect.fps) * 1000,
      // Open events send an update every events.heartbeat_s: after a few missed ones the object is gone.
      objectHoldMs: config.events.heartbeat_s * 2500,
      unknownObjectsMs: (camera.detect.silence_hold_s + camera.detect.max_disappeared_s) * 1000,
    },
    decoder: {
      stallTimeoutMs: ingest.stall_timeout_s * 1000,
      initialBackoffMs: ingest.restart_backoff.initial_ms,
      maxBackoffMs: ingest.restart_backoff.max_ms,
    },
  };
}

/** Enabled cameras, each with its pipeline settings and go2rtc sources. */
export function ingestCamerasFromConfig(config: ShirikiConfig): {
  cameras: CameraSettings[];
  sources: Record<string, string[]>;
} {
  const enabled = Object.values(config.cameras).filter((camera) => camera.enabled);
  return {
    cameras: enabled.map((camera) => cameraSettingsFromConfig(config, camera)),
    sources: Object.fromEntries(enabled.map((camera) => [camera.name, camera.source])),
  };
}
