import type { ZoneConfig } from '@shiriki/config';
import { pointInPolygon, type NormalisedPoint } from '@shiriki/geometry';

/** A camera zone ready for point tests. */
export interface CompiledZone {
  name: string;
  polygon: readonly NormalisedPoint[];
  inertia: number;
  loiteringMs: number;
  /** Labels that count in the zone; undefined means every tracked label. */
  labels: ReadonlySet<string> | undefined;
}

export function compileZones(zones: Readonly<Record<string, ZoneConfig>>): CompiledZone[] {
  return Object.entries(zones).map(([name, zone]) => ({
    name,
    polygon: zone.coordinates,
    inertia: zone.inertia,
    loiteringMs: zone.loitering_time * 1000,
    labels: zone.objects === undefined ? undefined : new Set(zone.objects),
  }));
}

/** One object's standing in one zone (plain JSON, part of the handed-over state). */
export interface ZonePresence {
  /** Consecutive observed frames with the bottom centre inside. */
  insideFrames: number;
  /** Consecutive observed frames with the bottom centre outside. */
  outsideFrames: number;
  /** Passed the inertia test and has not left since. */
  present: boolean;
  /** Capture time of the first inside frame of the current stay (loitering is measured from it). */
  since: number | null;
}

export function emptyPresence(): ZonePresence {
  return { insideFrames: 0, outsideFrames: 0, present: false, since: null };
}

/**
 * Advances an object's zone presences with one observation at `point` (bottom centre, normalised) and
 * capture time `time`. Entering takes `inertia` consecutive inside frames, leaving takes `inertia`
 * consecutive outside frames (hysteresis against boxes jittering on a zone border). A present object counts
 * as in the zone once it has been inside for `loitering_time` since its first inside frame. Zones whose
 * `objects` exclude the label never count. Returns whether `current` changed; appends new zones to
 * `entered` (kept for the object's life).
 */
export function observeZones(
  zones: readonly CompiledZone[],
  presences: ZonePresence[],
  label: string,
  point: NormalisedPoint,
  time: number,
  current: string[],
  entered: string[],
): boolean {
  const before = current.length;
  let changed = false;
  let write = 0;
  for (let z = 0; z < zones.length; z += 1) {
    const zone = zones[z];
    const presence = presences[z];
    if (zone === undefined || presence === undefined) continue;
    if (zone.labels !== undefined && !zone.labels.has(label)) continue;
    if (pointInPolygon(point, zone.polygon)) {
      if (presence.insideFrames === 0 && !presence.present) presence.since = time;
      presence.insideFrames += 1;
      presence.outsideFrames = 0;
      if (!presence.present && presence.insideFrames >= zone.inertia) presence.present = true;
    } else {
      presence.outsideFrames += 1;
      presence.insideFrames = 0;
      if (presence.present && presence.outsideFrames >= zone.inertia) presence.present = false;
      if (!presence.present) presence.since = null;
    }
    const counts = presence.present && presence.since !== null && time - presence.since >= zone.loiteringMs;
    if (counts) {
      if (current[write] !== zone.name) changed = true;
      current[write] = zone.name;
      write += 1;
      if (!entered.includes(zone.name)) {
        entered.push(zone.name);
        changed = true;
      }
    }
  }
  if (write !== before) changed = true;
  current.length = write;
  return changed;
}
