/** Why a binary frame message was rejected; also the `reason` label of the invalid-message counter. */
export type FrameErrorReason =
  | 'bad_magic'
  | 'unsupported_version'
  | 'truncated'
  | 'trailing_bytes'
  | 'bad_pixel_format'
  | 'bad_dimensions'
  | 'payload_size_mismatch'
  | 'bad_payload'
  | 'bad_box'
  | 'bad_camera'
  | 'bad_producer'
  | 'bad_sequence'
  | 'bad_capture_time'
  | 'bad_epoch';

/** A received frame message is malformed. `decodeFrame` throws nothing else. */
export class FrameDecodeError extends Error {
  override readonly name = 'FrameDecodeError';
  constructor(
    readonly reason: FrameErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`frame rejected (${reason}): ${message}`, options);
  }
}

/** A frame handed to the encoder breaks the wire format's rules; nothing was written. */
export class FrameEncodeError extends Error {
  override readonly name = 'FrameEncodeError';
  constructor(
    readonly reason: FrameErrorReason | 'buffer_too_small',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`frame not encodable (${reason}): ${message}`, options);
  }
}

export type DecodeErrorReason = 'invalid_utf8' | 'invalid_json' | 'schema_mismatch';

/** One schema violation: where (`path`, e.g. `detections.0.score`) and what. */
export interface MessageIssue {
  path: string;
  message: string;
}

/** A JSON message could not be decoded or does not match its schema. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly reason: DecodeErrorReason,
    readonly issues: readonly MessageIssue[],
    options?: { cause?: unknown },
  ) {
    super(`message rejected (${reason})${formatIssues(issues)}`, options);
  }
}

/** A value about to be published does not match its schema; a bug in the producer. */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  constructor(
    readonly issues: readonly MessageIssue[],
    options?: { cause?: unknown },
  ) {
    super(`message not encodable${formatIssues(issues)}`, options);
  }
}

/** A camera name, label or prefix cannot be used as (part of) a NATS subject. */
export class InvalidSubjectTokenError extends Error {
  override readonly name = 'InvalidSubjectTokenError';
  constructor(
    readonly what: 'camera' | 'label' | 'prefix' | 'service' | 'instance' | 'role',
    readonly value: string,
  ) {
    super(`invalid ${what} ${JSON.stringify(value.slice(0, 80))}: must match [A-Za-z0-9_-]{1,64}`);
  }
}

/** The first connection to NATS failed; the message names servers without credentials. */
export class BusConnectError extends Error {
  override readonly name = 'BusConnectError';
  constructor(
    message: string,
    readonly servers: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An existing stream or consumer differs from the wanted config in fields the server cannot update. */
export class JetStreamConfigConflictError extends Error {
  override readonly name = 'JetStreamConfigConflictError';
  constructor(
    readonly resource: string,
    readonly fields: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      `${resource} exists with a different ${fields.join(', ')}; delete it or change the config`,
      options,
    );
  }
}

function formatIssues(issues: readonly MessageIssue[]): string {
  if (issues.length === 0) return '';
  const shown = issues.slice(0, 5).map((issue) => `${issue.path || '<root>'}: ${issue.message}`);
  const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : '';
  return `: ${shown.join('; ')}${more}`;
}
