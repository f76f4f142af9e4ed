import type { CameraConfig } from './types.js';

/**
 * A camera's run-time switches as its config sets them, before anyone flips one over MQTT or the api
 * (the `CameraSwitchBoard` of @shiriki/bus falls back to these). Snapshots have no config key: on.
 */
export function switchDefaults(camera: CameraConfig): {
  detect: boolean;
  motion: boolean;
  recordings: boolean;
  snapshots: boolean;
} {
  return {
    detect: camera.detect.enabled,
    motion: camera.motion.enabled,
    recordings: camera.record.enabled,
    snapshots: true,
  };
}

/**
 * {@link switchDefaults} by camera name, for a `CameraSwitchBoard`; a name not among `cameras` has every
 * switch off.
 */
export function switchDefaultsFor(
  cameras: Iterable<CameraConfig>,
): (name: string) => ReturnType<typeof switchDefaults> {
  const byName = new Map([...cameras].map((camera) => [camera.name, camera]));
  return (name) => {
    const camera = byName.get(name);
    return camera
      ? switchDefaults(camera)
      : { detect: false, motion: false, recordings: false, snapshots: false };
  };
}
