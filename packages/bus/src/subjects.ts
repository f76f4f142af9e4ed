import { InvalidSubjectTokenError } from './errors.js';

/**
 * The subject scheme of the shiriki bus, in one place. `<p>` is the configurable prefix (default `shiriki`,
 * may itself hold several tokens such as `site1.shiriki`); every other part is a single NATS token.
 *
 * | subject                              | payload                      | producer -> consumers              |
 * | ------------------------------------ | ---------------------------- | ---------------------------------- |
 * | `<p>.frames.<camera>`                | binary frame (frame-codec)   | ingest -> detectors (SHIRIKI_FRAMES) |
 * | `<p>.motion.<camera>`                | JSON MotionAlert             | ingest/motion -> tracker, alerts   |
 * | `<p>.detections.<camera>`           | JSON Detections              | detectors -> tracker (SHIRIKI_DETECTIONS) |
 * | `<p>.events.<camera>.<label>`        | JSON ObjectEvent             | tracker -> recorder (SHIRIKI_EVENTS) |
 * | `<p>.alerts.<camera>.<kind>`         | JSON Alert                   | alerting -> notifiers              |
 * | `<p>.snapshots.<camera>`             | JPEG, metadata in headers    | snapshotter -> UI, recorder        |
 * | `<p>.clips.<camera>`                 | JSON ClipReady               | recorder -> UI (SHIRIKI_CLIPS)      |
 * | `<p>.status.camera.<camera>`         | JSON CameraStatus            | ingest -> monitoring               |
 * | `<p>.status.service.<service>.<instance>` | JSON ServiceStatus (heartbeat) | every service -> monitoring |
 *
 * `<kind>` of an alert is `motion` or the token of an object label, so one wildcard picks either:
 * `<p>.alerts.*.person` (people on every camera), `<p>.alerts.front.>` (everything on one camera).
 * Labels such as `traffic light` are not valid tokens; {@link labelToken} maps them to `traffic_light`
 * and the JSON body keeps the original label. `motion` is therefore reserved and no label may map to it.
 */
export const DEFAULT_SUBJECT_PREFIX = 'shiriki';

/** The second-level token after the prefix, which says what a message is. */
export const SUBJECT_KINDS = [
  'frames',
  'motion',
  'detections',
  'events',
  'alerts',
  'snapshots',
  'clips',
  'status',
] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export const MOTION_ALERT_KIND = 'motion';

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** What {@link Subjects.parse} finds in a concrete subject. */
export type ParsedSubject =
  | { kind: 'frames' | 'motion' | 'detections' | 'snapshots' | 'clips'; camera: string }
  /** `label` is the label token; for alerts it is `motion` for motion alerts. */
  | { kind: 'events' | 'alerts'; camera: string; label: string }
  /** A service heartbeat (`<p>.status.service.<service>.<instance>`). */
  | { kind: 'status'; service: string; instance: string }
  /** A camera's status (`<p>.status.camera.<camera>`). */
  | { kind: 'camera_status'; camera: string };

export interface StreamNames {
  frames: string;
  /** The last minutes of detections, which a tracker taking a camera over replays. */
  detections: string;
  events: string;
  clips: string;
}

export interface BucketNames {
  /** Camera leases of one role's workers (`ingest`, `tracker`, `recorder`): `<p>_leases_<role>`. */
  leases(role: string): string;
  /** Latest `CameraStatus` per camera. */
  cameraStatus: string;
  /** Per-camera tracker checkpoints for hand-over. */
  trackerState: string;
  /** Per-camera run-time switches (detect, motion, recordings, snapshots). */
  cameraSwitches: string;
}

export interface Subjects {
  readonly prefix: string;
  frames(camera: string): string;
  motion(camera: string): string;
  detections(camera: string): string;
  events(camera: string, label: string): string;
  /** `kind` is `motion` or an object label (mapped through {@link labelToken}). */
  alerts(camera: string, kind: string): string;
  snapshots(camera: string): string;
  clips(camera: string): string;
  /** `<p>.status.service.<service>.<instance>`: the heartbeat of one service instance. */
  status(service: string, instance: string): string;
  /** `<p>.status.camera.<camera>`: the `CameraStatus` of one camera. */
  cameraStatus(camera: string): string;
  /** `<p>.frames.>` */
  readonly framesAll: string;
  readonly motionAll: string;
  readonly detectionsAll: string;
  /** `<p>.events.>` */
  readonly eventsAll: string;
  /** `<p>.events.<camera>.>` */
  eventsForCamera(camera: string): string;
  /** `<p>.events.*.<label>` */
  eventsForLabel(label: string): string;
  readonly alertsAll: string;
  /** `<p>.alerts.<camera>.>` */
  alertsForCamera(camera: string): string;
  /** `<p>.alerts.*.<kind>`, e.g. every person alert on every camera. */
  alertsForKind(kind: string): string;
  readonly snapshotsAll: string;
  readonly clipsAll: string;
  /** `<p>.status.>`: every heartbeat and camera status. */
  readonly statusAll: string;
  /** `<p>.status.service.>`: every service heartbeat. */
  readonly serviceStatusAll: string;
  /** `<p>.status.camera.*`: the status of every camera. */
  readonly cameraStatusAll: string;
  /** JetStream stream names, derived from the prefix so two deployments can share an account. */
  readonly streams: StreamNames;
  /** KV bucket names, derived from the prefix. */
  readonly buckets: BucketNames;
  /** The kind and tokens of a concrete subject under this prefix, or undefined for anything else. */
  parse(subject: string): ParsedSubject | undefined;
}

/** Subject builders for one prefix. Throws {@link InvalidSubjectTokenError} for a bad prefix. */
export function createSubjects(prefix: string = DEFAULT_SUBJECT_PREFIX): Subjects {
  const prefixTokens = prefix.split('.');
  if (!prefixTokens.every((token) => TOKEN.test(token))) throw new InvalidSubjectTokenError('prefix', prefix);
  const at = (kind: SubjectKind, ...tokens: string[]): string => [prefix, kind, ...tokens].join('.');
  const nameBase = prefixTokens.join('_');
  return Object.freeze({
    prefix,
    frames: (camera: string) => at('frames', cameraToken(camera)),
    motion: (camera: string) => at('motion', cameraToken(camera)),
    detections: (camera: string) => at('detections', cameraToken(camera)),
    events: (camera: string, label: string) => at('events', cameraToken(camera), labelToken(label)),
    alerts: (camera: string, kind: string) => at('alerts', cameraToken(camera), alertKindToken(kind)),
    snapshots: (camera: string) => at('snapshots', cameraToken(camera)),
    clips: (camera: string) => at('clips', cameraToken(camera)),
    status: (service: string, instance: string) =>
      at('status', 'service', checkToken('service', service), checkToken('instance', instance)),
    framesAll: at('frames', '>'),
    motionAll: at('motion', '>'),
    detectionsAll: at('detections', '>'),
    eventsAll: at('events', '>'),
    eventsForCamera: (camera: string) => at('events', cameraToken(camera), '>'),
    eventsForLabel: (label: string) => at('events', '*', labelToken(label)),
    alertsAll: at('alerts', '>'),
    alertsForCamera: (camera: string) => at('alerts', cameraToken(camera), '>'),
    alertsForKind: (kind: string) => at('alerts', '*', alertKindToken(kind)),
    snapshotsAll: at('snapshots', '>'),
    clipsAll: at('clips', '>'),
    statusAll: at('status', '>'),
    serviceStatusAll: at('status', 'service', '>'),
    cameraStatus: (camera: string) => at('status', 'camera', cameraToken(camera)),
    cameraStatusAll: at('status', 'camera', '*'),
    streams: Object.freeze({
      frames: `${nameBase.toUpperCase()}_FRAMES`,
      detections: `${nameBase.toUpperCase()}_DETECTIONS`,
      events: `${nameBase.toUpperCase()}_EVENTS`,
      clips: `${nameBase.toUpperCase()}_CLIPS`,
    }),
    buckets: Object.freeze({
      leases: (role: string) => `${nameBase}_leases_${checkToken('role', role)}`,
      cameraStatus: `${nameBase}_camera_status`,
      trackerState: `${nameBase}_tracker_state`,
      cameraSwitches: `${nameBase}_camera_switches`,
    }),
    parse: (subject: string) => parseSubject(subject, prefix),
  });
}

/** Parses a concrete subject (no wildcards) under `prefix`; undefined when it is not one of ours. */
export function parseSubject(
  subject: string,
  prefix: string = DEFAULT_SUBJECT_PREFIX,
): ParsedSubject | undefined {
  if (!subject.startsWith(`${prefix}.`)) return undefined;
  const tokens = subject.slice(prefix.length + 1).split('.');
  if (!tokens.every((token) => TOKEN.test(token))) return undefined;
  const [kind, first, second, third] = tokens;
  if (first === undefined) return undefined;
  switch (kind) {
    case 'frames':
    case 'motion':
    case 'detections':
    case 'snapshots':
    case 'clips':
      return tokens.length === 2 ? { kind, camera: first } : undefined;
    case 'events':
    case 'alerts':
      return tokens.length === 3 && second !== undefined ? { kind, camera: first, label: second } : undefined;
    case 'status':
      // Camera and service status differ in depth and in their second token, so neither can pass for the other.
      if (first === 'camera')
        return tokens.length === 3 && second !== undefined
          ? { kind: 'camera_status', camera: second }
          : undefined;
      if (first === 'service') {
        return tokens.length === 4 && second !== undefined && third !== undefined
          ? { kind, service: second, instance: third }
          : undefined;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** True when `name` can be a camera name: one NATS token of `[A-Za-z0-9_-]`, 1 to 64 characters. */
export function isValidCameraName(name: string): boolean {
  return TOKEN.test(name);
}

/** Returns `camera` unchanged or throws {@link InvalidSubjectTokenError}. */
export function cameraToken(camera: string): string {
  return checkToken('camera', camera);
}

/**
 * The subject token for an object label: characters outside `[A-Za-z0-9_-]` become `_`
 * (`traffic light` -> `traffic_light`). Throws for an empty or over-long label, or one that maps to `motion`.
 */
export function labelToken(label: string): string {
  const token = label.replace(/[^A-Za-z0-9_-]/g, '_');
  if (!TOKEN.test(token) || token === MOTION_ALERT_KIND) throw new InvalidSubjectTokenError('label', label);
  return token;
}

/**
 * The first token of `subject` that names a subject kind (`frames`, `events`, ...), whatever the prefix;
 * `other` when there is none. Used as a bounded metric label.
 */
export function inferSubjectKind(subject: string): SubjectKind | 'other' {
  const kinds: readonly string[] = SUBJECT_KINDS;
  const found = subject.split('.').find((token) => kinds.includes(token));
  return (found as SubjectKind | undefined) ?? 'other';
}

function alertKindToken(kind: string): string {
  return kind === MOTION_ALERT_KIND ? kind : labelToken(kind);
}

function checkToken(what: 'camera' | 'service' | 'instance' | 'role', value: string): string {
  if (!TOKEN.test(value)) throw new InvalidSubjectTokenError(what, value);
  return value;
}
