import type { ObjectEvent } from '@shiriki/bus';
import type { AlertMemory, TrackerState } from '@shiriki/tracking';

export const CHECKPOINT_VERSION = 1;

/**
 * What a tracker stores per camera in the state bucket so another worker can carry on: the tracker's state,
 * the alert memory, and the outbox, events already decided but not yet acknowledged by the stream. The
 * next owner publishes the outbox again; the stream drops what had arrived (same `Nats-Msg-Id`).
 */
export interface TrackerCheckpoint {
  version: typeof CHECKPOINT_VERSION;
  worker: string;
  saved_at: number;
  tracker: TrackerState;
  alert_memory: AlertMemory;
  outbox: ObjectEvent[];
}

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    message: string,
    readonly camera: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function parseCheckpoint(camera: string, bytes: Uint8Array): TrackerCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new CheckpointError(`checkpoint of camera ${camera} is not JSON`, camera, { cause });
  }
  const checkpoint = value as Partial<TrackerCheckpoint> | null;
  if (
    checkpoint === null ||
    typeof checkpoint !== 'object' ||
    checkpoint.version !== CHECKPOINT_VERSION ||
    typeof checkpoint.tracker !== 'object' ||
    !Array.isArray(checkpoint.outbox)
  ) {
    throw new CheckpointError(`checkpoint of camera ${camera} has an unknown format`, camera);
  }
  return {
    ...(checkpoint as TrackerCheckpoint),
    alert_memory: checkpoint.alert_memory ?? { lastAlert: {}, objects: {} },
  };
}

/** `Nats-Msg-Id` of an event: `new` and `end` happen once per object, updates once per frame time. */
export function eventMessageId(event: ObjectEvent): string {
  if (event.type === 'update') return `${event.id}:update:${event.frame_time ?? event.start_time}`;
  return `${event.id}:${event.type}`;
}
