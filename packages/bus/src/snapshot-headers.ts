import { headers, type MsgHdrs } from '@nats-io/nats-core';

/** Metadata of a JPEG on `<p>.snapshots.<camera>`; the body is the JPEG itself. */
export interface SnapshotMeta {
  camera: string;
  /** Sequence of the frame the snapshot was taken from. */
  sequence: number;
  /** Capture time of that frame, epoch milliseconds. */
  captureTime: number;
  width: number;
  height: number;
  /** Labels detected in the frame, as the model names them. */
  labels: readonly string[];
  /** Tracked-object event the snapshot belongs to, when there is one. */
  eventId?: string;
}

export const SNAPSHOT_HEADERS = {
  camera: 'Shiriki-Camera',
  sequence: 'Shiriki-Sequence',
  captureTime: 'Shiriki-Capture-Time',
  width: 'Shiriki-Width',
  height: 'Shiriki-Height',
  labels: 'Shiriki-Labels',
  eventId: 'Shiriki-Event-Id',
  contentType: 'Content-Type',
} as const;

export function snapshotHeaders(meta: SnapshotMeta): MsgHdrs {
  const h = headers();
  h.set(SNAPSHOT_HEADERS.camera, meta.camera);
  h.set(SNAPSHOT_HEADERS.sequence, String(meta.sequence));
  h.set(SNAPSHOT_HEADERS.captureTime, String(meta.captureTime));
  h.set(SNAPSHOT_HEADERS.width, String(meta.width));
  h.set(SNAPSHOT_HEADERS.height, String(meta.height));
  h.set(SNAPSHOT_HEADERS.labels, meta.labels.map(encodeURIComponent).join(','));
  if (meta.eventId !== undefined) h.set(SNAPSHOT_HEADERS.eventId, meta.eventId);
  h.set(SNAPSHOT_HEADERS.contentType, 'image/jpeg');
  return h;
}

/** Reads the metadata back; undefined when a required header is missing or not a number. */
export function readSnapshotHeaders(h: MsgHdrs | undefined): SnapshotMeta | undefined {
  if (!h) return undefined;
  const camera = h.get(SNAPSHOT_HEADERS.camera);
  const numbers = [
    SNAPSHOT_HEADERS.sequence,
    SNAPSHOT_HEADERS.captureTime,
    SNAPSHOT_HEADERS.width,
    SNAPSHOT_HEADERS.height,
  ].map((key) => (h.has(key) ? Number(h.get(key)) : Number.NaN));
  const [sequence, captureTime, width, height] = numbers;
  if (
    !camera ||
    sequence === undefined ||
    captureTime === undefined ||
    width === undefined ||
    height === undefined
  ) {
    return undefined;
  }
  if (!numbers.every(Number.isFinite)) return undefined;
  const labels = decodeLabels(h.get(SNAPSHOT_HEADERS.labels));
  if (!labels) return undefined;
  const eventId = h.get(SNAPSHOT_HEADERS.eventId);
  return {
    camera,
    sequence,
    captureTime,
    width,
    height,
    labels,
    ...(eventId ? { eventId } : {}),
  };
}

function decodeLabels(value: string): string[] | undefined {
  if (value === '') return [];
  try {
    return value.split(',').map(decodeURIComponent);
  } catch {
    return undefined;
  }
}
