import { makeThumbnail } from '@shiriki/snapshots';

/** The part of `ObjectStore` (from `@shiriki/storage`) the tracker uses. */
export interface SnapshotStore {
  ensureReady(): Promise<unknown>;
  put(
    key: string,
    bytes: Uint8Array,
    options: { contentType: string; metadata?: Record<string, string> },
  ): Promise<unknown>;
}

/** Object keys of one event (`eventObjectKeys` from `@shiriki/storage`). */
export type EventKeysFactory = (
  camera: string,
  startTimeMs: number,
  eventId: string,
) => { snapshot: string; thumbnail: string };

export interface SnapshotUploadOptions {
  /** Width of `thumbnail.jpg`; the height keeps the aspect ratio. */
  thumbnailWidth: number;
  /** How long an `end` event waits for the first upload attempt before it is published without a key. */
  timeoutMs: number;
  /** Background attempts after the first one failed. */
  retries: number;
  /** Delay before the first background retry; doubles each time. */
  retryDelayMs: number;
}

export const SNAPSHOT_UPLOAD_DEFAULTS: SnapshotUploadOptions = {
  thumbnailWidth: 320,
  timeoutMs: 3000,
  retries: 4,
  retryDelayMs: 2000,
};

export interface SnapshotObject {
  camera: string;
  eventId: string;
  label: string;
  frameSequence: number;
  jpeg: Uint8Array;
}

/** Uploads `snapshot.jpg` and `thumbnail.jpg` of one event. */
export async function uploadSnapshot(
  store: SnapshotStore,
  keys: { snapshot: string; thumbnail: string },
  object: SnapshotObject,
  thumbnailWidth: number,
): Promise<void> {
  const metadata = {
    camera: object.camera,
    'event-id': object.eventId,
    label: object.label.replace(/[^\x20-\x7e]/g, '_'),
    'frame-sequence': String(object.frameSequence),
  };
  const thumbnail = await makeThumbnail(object.jpeg, thumbnailWidth);
  await store.put(keys.snapshot, object.jpeg, { contentType: 'image/jpeg', metadata });
  await store.put(keys.thumbnail, thumbnail, { contentType: 'image/jpeg', metadata });
}

/** Resolves `true` when `promise` settles successfully within `ms`, `false` on failure or timeout. */
export async function succeedsWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
