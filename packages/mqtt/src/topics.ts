import type { CameraSwitch } from '@shiriki/bus';

/** Every topic the bridge publishes, built from `mqtt.topic_prefix` in one place (docs/mqtt.md lists them). */
export interface MqttTopics {
  readonly prefix: string;
  /** `online` / `offline` (the Last Will), retained. */
  readonly available: string;
  /** Object events: `{type, before, after}` with Frigate's field names. */
  readonly events: string;
  /** Review items: one per period of activity of a camera. */
  readonly reviews: string;
  readonly stats: string;
  /** Active objects of `label` (or `all`) on the camera, retained. */
  count(camera: string, label: string): string;
  /** Active objects of `label` (or `all`) in a zone of the camera, retained. */
  zoneCount(camera: string, zone: string, label: string): string;
  /** `ON` / `OFF`, retained. */
  motion(camera: string): string;
  /** JPEG of the best snapshot of the latest object of `label`, retained. */
  snapshot(camera: string, label: string): string;
  switchSet(camera: string, name: CameraSwitch): string;
  switchState(camera: string, name: CameraSwitch): string;
}

export function mqttTopics(prefix: string): MqttTopics {
  const at = (...levels: string[]) => [prefix, ...levels.map(topicLevel)].join('/');
  return {
    prefix,
    available: at('available'),
    events: at('events'),
    reviews: at('reviews'),
    stats: at('stats'),
    count: (camera, label) => at(camera, label),
    zoneCount: (camera, zone, label) => at(camera, zone, label),
    motion: (camera) => at(camera, 'motion'),
    snapshot: (camera, label) => at(camera, label, 'snapshot'),
    switchSet: (camera, name) => at(camera, name, 'set'),
    switchState: (camera, name) => at(camera, name, 'state'),
  };
}

/** A label or zone as one topic level: `/`, `+`, `#` and spaces become `_` (`traffic light` -> `traffic_light`). */
export function topicLevel(value: string): string {
  return value.replace(/[/+#\s]/g, '_');
}
