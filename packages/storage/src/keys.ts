import { InvalidObjectKeyError } from './errors.js';

/**
 * Object keys are portable paths: 1-1024 characters of `A-Z a-z 0-9 . _ / -`, segments separated by single
 * slashes, no leading or trailing slash, no segment starting with a dot (so no `.` or `..`), no `..`
 * anywhere. The local store maps keys to files under its root; these rules keep every key inside it.
 * Keys ending in `.meta.json` are reserved for the local store's metadata sidecars.
 */
export const KEY_MAX_LENGTH = 1024;
export const SIDECAR_SUFFIX = '.meta.json';

const KEY_CHARACTERS = /^[A-Za-z0-9._/-]*$/;
/** S3 user metadata: lowercase header-safe names (S3 lowercases them anyway), printable ASCII values. */
const METADATA_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const METADATA_VALUE = /^[\x20-\x7e]*$/;
const METADATA_MAX_BYTES = 2048;
const RESERVED_METADATA_NAMES = new Set([
  'content-type',
  'cache-control',
  'content-encoding',
  'content-disposition',
  'content-language',
  'content-length',
  'expires',
  'if-match',
  'if-none-match',
]);
const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(;[\x20-\x7e]*)?$/;

/** Throws `InvalidObjectKeyError` unless `key` follows the key rules. */
export function validateKey(key: string, operation = 'validateKey'): string {
  const problem = keyProblem(key);
  if (problem !== undefined) {
    throw new InvalidObjectKeyError(`invalid object key ${JSON.stringify(key)}: ${problem}`, {
      operation,
      key,
    });
  }
  return key;
}

export function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'a key is a non-empty string';
  if (key.length > KEY_MAX_LENGTH) return `longer than ${KEY_MAX_LENGTH} characters`;
  if (key.endsWith('/')) return 'ends with a slash';
  const common = pathProblem(key);
  if (common !== undefined) return common;
  if (key.endsWith(SIDECAR_SUFFIX)) return `keys ending in ${SIDECAR_SUFFIX} are reserved`;
  return undefined;
}

/** A listing prefix: empty, or the start of a key (may end with a slash). */
export function validatePrefix(prefix: string, operation = 'list'): string {
  const problem =
    typeof prefix !== 'string'
      ? 'a prefix is a string'
      : prefix.length > KEY_MAX_LENGTH
        ? `longer than ${KEY_MAX_LENGTH} characters`
        : prefix === ''
          ? undefined
          : pathProblem(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  if (problem !== undefined) {
    throw new InvalidObjectKeyError(`invalid prefix ${JSON.stringify(prefix)}: ${problem}`, {
      operation,
      key: prefix,
    });
  }
  return prefix;
}

function pathProblem(path: string): string | undefined {
  if (!KEY_CHARACTERS.test(path)) return 'only A-Z, a-z, 0-9, ".", "_", "/" and "-" are allowed';
  if (path.startsWith('/')) return 'starts with a slash';
  if (path.includes('..')) return 'contains ".."';
  for (const segment of path.split('/')) {
    if (segment === '') return 'contains an empty segment ("//")';
    if (segment.startsWith('.')) return 'a segment starts with a dot';
  }
  return undefined;
}

/** Throws `InvalidObjectKeyError` unless the content type and metadata can travel as S3 headers. */
export function validatePutOptions(
  key: string,
  contentType: string,
  metadata: Record<string, string> | undefined,
  operation: string,
): void {
  const fail = (problem: string) => {
    throw new InvalidObjectKeyError(`invalid put options for ${JSON.stringify(key)}: ${problem}`, {
      operation,
      key,
    });
  };
  if (typeof contentType !== 'string' || !CONTENT_TYPE.test(contentType)) {
    fail(`content type ${JSON.stringify(contentType)} is not a media type like video/mp4`);
  }
  let bytes = 0;
  for (const [name, value] of Object.entries(metadata ?? {})) {
    if (!METADATA_NAME.test(name) || name.startsWith('x-amz-') || RESERVED_METADATA_NAMES.has(name)) {
      fail(`metadata name ${JSON.stringify(name)} must be 1-64 of a-z, 0-9, - and not a reserved header`);
    }
    if (typeof value !== 'string' || !METADATA_VALUE.test(value)) {
      fail(`metadata ${name} must be a string of printable ASCII`);
    }
    bytes += name.length + value.length;
  }
  if (bytes > METADATA_MAX_BYTES) fail(`metadata exceeds ${METADATA_MAX_BYTES} bytes`);
}

/** Keys of one event's objects; see docs/storage.md. */
export interface EventObjectKeys {
  /** `events/<camera>/<YYYY-MM-DD>/<eventId>/`, everything the event owns. */
  prefix: string;
  clip: string;
  snapshot: string;
  thumbnail: string;
  metadata: string;
}

/**
 * `events/<camera>/<YYYY-MM-DD>/<eventId>/{clip.mp4, snapshot.jpg, thumbnail.jpg, event.json}`, the date
 * being the UTC day the event started.
 */
export function eventObjectKeys(camera: string, startTimeMs: number, eventId: string): EventObjectKeys {
  segment(camera, 'camera', 'eventObjectKeys');
  segment(eventId, 'event id', 'eventObjectKeys');
  const prefix = `events/${camera}/${utcDay(startTimeMs, 'eventObjectKeys')}/${eventId}/`;
  return {
    prefix,
    clip: `${prefix}clip.mp4`,
    snapshot: `${prefix}snapshot.jpg`,
    thumbnail: `${prefix}thumbnail.jpg`,
    metadata: `${prefix}event.json`,
  };
}

/** `recordings/<camera>/<YYYY-MM-DD>/<HH>/<startTimeMs>.mp4`, date and hour in UTC. */
export function continuousObjectKey(camera: string, startTimeMs: number): string {
  segment(camera, 'camera', 'continuousObjectKey');
  const day = utcDay(startTimeMs, 'continuousObjectKey');
  const hour = String(new Date(startTimeMs).getUTCHours()).padStart(2, '0');
  return `recordings/${camera}/${day}/${hour}/${Math.trunc(startTimeMs)}.mp4`;
}

/** Prefix of every event of a camera on a UTC day, for listings (`events/<camera>/<YYYY-MM-DD>/`). */
export function eventDayPrefix(camera: string, timeMs: number): string {
  segment(camera, 'camera', 'eventDayPrefix');
  return `events/${camera}/${utcDay(timeMs, 'eventDayPrefix')}/`;
}

function segment(value: string, what: string, operation: string): void {
  if (typeof value !== 'string' || value.includes('/') || keyProblem(value) !== undefined) {
    throw new InvalidObjectKeyError(
      `${what} ${JSON.stringify(value)} cannot be a key segment (A-Z, a-z, 0-9, ".", "_", "-"; no leading dot)`,
      { operation, key: String(value) },
    );
  }
}

function utcDay(timeMs: number, operation: string): string {
  if (!Number.isFinite(timeMs) || timeMs < 0) {
    throw new InvalidObjectKeyError(`start time ${timeMs} is not a valid epoch milliseconds value`, {
      operation,
    });
  }
  return new Date(timeMs).toISOString().slice(0, 10);
}
