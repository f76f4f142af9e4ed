/** Detections of another camera were pushed into a camera's tracker. */
export class CameraMismatchError extends Error {
  override readonly name = 'CameraMismatchError';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`Tracker for camera ${expected} received detections of camera ${actual}.`);
  }
}

/** A tracker option is out of range; `option` names the field. */
export class InvalidTrackerOptionError extends Error {
  override readonly name = 'InvalidTrackerOptionError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`Invalid tracker option ${option}: ${message}`);
  }
}

/** A state handed over from another process cannot be used (wrong version or camera). */
export class TrackerStateError extends Error {
  override readonly name = 'TrackerStateError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
