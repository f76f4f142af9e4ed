import type { ObjectAlert, ObjectEvent } from '@shiriki/bus';
import type { AlertsConfig } from '@shiriki/config';

/** The settings of the `alerts` section this helper reads. */
export type ObjectAlertsConfig = Pick<AlertsConfig, 'enabled' | 'labels' | 'zones' | 'cooldown_s'>;

/**
 * What {@link alertsFor} remembers between events: the last alert time per camera and label (cooldown) and,
 * per open object, the alert zones it is in (so it alerts once per zone entry). Plain JSON.
 */
export interface AlertMemory {
  /** `<camera>/<label>` -> time of the last alert. */
  lastAlert: Record<string, number>;
  /** Object id -> required zones it was in at its last event ([] once alerted without zones). */
  objects: Record<string, string[]>;
}

export function createAlertMemory(): AlertMemory {
  return { lastAlert: {}, objects: {} };
}

/**
 * Decides whether an object event raises an alert, and records it in `memory`.
 *
 * - Only enabled alerts and labels in `alerts.labels` count; `end` events only clear the object's memory.
 * - Without `alerts.zones`, or when the camera (`cameraZones`) has none of them, the `new` event alerts once
 *   per object, wherever it is (a camera without those zones is not silenced by them).
 * - With required zones on the camera, an event alerts when the object is in a required zone it was not in at
 *   its previous event: once per zone entry. A `new` event also counts zones entered before the object became
 *   real. The alert's `zones` are the newly entered required zones.
 * - `alerts.cooldown_s`: after an alert, the same camera and label raise none for that long (measured in
 *   event frame time); a suppressed entry is not retried later.
 */
export function alertsFor(
  event: ObjectEvent,
  config: ObjectAlertsConfig,
  cameraZones: readonly string[],
  memory: AlertMemory,
): ObjectAlert | undefined {
  if (event.type === 'end') {
    delete memory.objects[event.id];
    return undefined;
  }
  if (!config.enabled || !config.labels.includes(event.label)) return undefined;
  const required = (config.zones ?? []).filter((zone) => cameraZones.includes(zone));
  let zones: string[];
  if (required.length === 0) {
    if (event.type !== 'new' || memory.objects[event.id] !== undefined) return undefined;
    memory.objects[event.id] = [];
    zones = event.zones.slice();
  } else {
    const inside = required.filter(
      (zone) => event.zones.includes(zone) || (event.type === 'new' && event.entered_zones.includes(zone)),
    );
    const before = memory.objects[event.id] ?? [];
    memory.objects[event.id] = inside;
    zones = inside.filter((zone) => !before.includes(zone));
    if (zones.length === 0) return undefined;
  }
  const time = event.frame_time ?? event.start_time;
  const cooldownKey = `${event.camera}/${event.label}`;
  const last = memory.lastAlert[cooldownKey];
  if (last !== undefined && time - last < config.cooldown_s * 1000) return undefined;
  memory.lastAlert[cooldownKey] = time;
  const alert: ObjectAlert = {
    kind: 'object',
    camera: event.camera,
    zones,
    time,
    label: event.label,
    event_id: event.id,
    score: event.top_score,
  };
  if (event.snapshot?.key !== undefined) alert.snapshot_key = event.snapshot.key;
  return alert;
}
