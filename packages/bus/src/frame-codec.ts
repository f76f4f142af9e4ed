import { FrameDecodeError, FrameEncodeError, type FrameErrorReason } from './errors.js';
import {
  PIXEL_FORMAT_CODES,
  jpegPayloadProblem,
  payloadProblem,
  pixelFormatFromCode,
  pixelFormatSize,
  type PixelFormat,
} from './pixel-format.js';
import { isValidCameraName } from './subjects.js';
import type { Box } from '@shiriki/geometry';

/**
 * Wire format of a frame message (version 1), all integers little-endian:
 *
 * | offset | size  | field                                                            |
 * | ------ | ----- | ---------------------------------------------------------------- |
 * | 0      | 4     | magic `SHFR`                                                     |
 * | 4      | 1     | version (1)                                                      |
 * | 5      | 1     | pixel format (1 yuv420p, 2 gray8, 3 rgb24, 4 bgr24, 5 jpeg)      |
 * | 6      | 2     | flags: bit 0 has motion, bit 1 tracking refresh; others reserved 0 |
 * | 8      | 2     | width                                                            |
 * | 10     | 2     | height                                                           |
 * | 12     | 8     | sequence (u64, at most 2^53 - 1)                                 |
 * | 20     | 8     | capture time (f64, epoch milliseconds)                           |
 * | 28     | 4     | producer epoch (u32, lease revision of the owning ingest worker) |
 * | 32     | 1 + n | camera name (length, ASCII `[A-Za-z0-9_-]`)                      |
 * |        | 1 + n | producer id (length 1..255, UTF-8)                               |
 * |        | 2 + 8k| motion box count, then k boxes of u16 x1 y1 x2 y2 (x2, y2 exclusive) |
 * |        | 4     | payload length (raw formats: the image size; jpeg: 4 B to 16 MiB) |
 * |        | n     | payload                                                          |
 *
 * Readers ignore reserved flag bits so a later producer can add one without a version bump.
 */
export const FRAME_MAGIC = 'SHFR';
export const FRAME_VERSION = 1;

/**
 * NATS header of a frame message: the sequence of the frame the same producer published before it, for
 * ordering downstream (see `Detections.previous_sequence`). A header rather than a codec field, so frames
 * from older producers still decode.
 */
export const PREVIOUS_SEQUENCE_HEADER = 'Shiriki-Previous-Sequence';

export interface FrameHeader {
  camera: string;
  /** Id of the ingest worker that produced the frame. */
  producer: string;
  /** Lease revision under which `producer` owns the camera; two epochs at once mean two producers. */
  producerEpoch: number;
  /** Per-camera frame counter of this producer. */
  sequence: number;
  /** Capture time, epoch milliseconds. */
  captureTime: number;
  width: number;
  height: number;
  pixelFormat: PixelFormat;
  hasMotion: boolean;
  /** A periodic frame detectors run on even without motion, so stationary objects stay tracked. */
  trackingRefresh: boolean;
  motionBoxes: readonly Box[];
}

export interface Frame extends FrameHeader {
  /** Raw image of exactly `pixelFormatSize(pixelFormat, width, height)` bytes, or a JPEG (`jpeg`). */
  payload: Uint8Array;
}

const MAGIC_BYTES = new TextEncoder().encode(FRAME_MAGIC);
const FIXED_SIZE = 32;
const FLAG_MOTION = 1;
const FLAG_TRACKING_REFRESH = 2;
const MAX_PRODUCER_BYTES = 255;
const MAX_BOXES = 0xffff;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Size of the header (everything before the payload) for `header`. Throws {@link FrameEncodeError}. */
export function frameHeaderSize(header: FrameHeader): number {
  const producerBytes = producerByteLength(header.producer);
  return FIXED_SIZE + 1 + header.camera.length + 1 + producerBytes + 2 + 8 * header.motionBoxes.length + 4;
}

/** Header plus payload size of a message for `header`; `payloadSize` is needed for a JPEG only. */
export function frameMessageSize(header: FrameHeader, payloadSize?: number): number {
  return frameHeaderSize(header) + expectedPayloadSize(header, payloadSize);
}

/**
 * Validates `header` and writes it into `target` at `offset`; returns the number of header bytes written.
 * The payload belongs right after them: `target.set(pixels, offset + written)`. A JPEG's size is not
 * implied by the header: pass it as `payloadSize`.
 */
export function encodeFrameHeaderInto(
  target: Uint8Array,
  header: FrameHeader,
  offset = 0,
  payloadSize?: number,
): number {
  validateHeader(header);
  const payloadBytes = expectedPayloadSize(header, payloadSize);
  const size = frameHeaderSize(header);
  if (offset < 0 || target.byteLength - offset < size + payloadBytes) {
    throw new FrameEncodeError('buffer_too_small', `need ${size + payloadBytes} bytes at offset ${offset}`);
  }
  const view = new DataView(target.buffer, target.byteOffset + offset, size);
  target.set(MAGIC_BYTES, offset);
  view.setUint8(4, FRAME_VERSION);
  view.setUint8(5, PIXEL_FORMAT_CODES[header.pixelFormat]);
  view.setUint16(
    6,
    (header.hasMotion ? FLAG_MOTION : 0) | (header.trackingRefresh ? FLAG_TRACKING_REFRESH : 0),
    true,
  );
  view.setUint16(8, header.width, true);
  view.setUint16(10, header.height, true);
  view.setBigUint64(12, BigInt(header.sequence), true);
  view.setFloat64(20, header.captureTime, true);
  view.setUint32(28, header.producerEpoch, true);
  let at = FIXED_SIZE;
  at = writeString(target, view, offset, at, header.camera);
  at = writeString(target, view, offset, at, header.producer);
  view.setUint16(at, header.motionBoxes.length, true);
  at += 2;
  for (const box of header.motionBoxes) {
    for (const value of box) {
      view.setUint16(at, value, true);
      at += 2;
    }
  }
  view.setUint32(at, payloadBytes, true);
  return at + 4;
}

/** Encodes `frame` into one new buffer, copying the payload once. Throws {@link FrameEncodeError}. */
export function encodeFrame(frame: Frame): Uint8Array {
  const expected = expectedPayloadSize(frame, frame.payload.byteLength);
  const problem = payloadProblem(frame.pixelFormat, frame.width, frame.height, frame.payload);
  if (problem !== undefined)
    reject(frame.payload.byteLength === expected ? 'bad_payload' : 'payload_size_mismatch', problem);
  const message = new Uint8Array(frameMessageSize(frame, frame.payload.byteLength));
  const headerSize = encodeFrameHeaderInto(message, frame, 0, frame.payload.byteLength);
  message.set(frame.payload, headerSize);
  return message;
}

/**
 * Decodes a frame message. The returned payload is a view into `bytes` (no copy), valid as long as
 * `bytes` is. Throws {@link FrameDecodeError}, and nothing else, for any malformed input.
 */
export function decodeFrame(bytes: Uint8Array): Frame {
  try {
    return decodeUnchecked(bytes);
  } catch (error) {
    if (error instanceof FrameDecodeError) throw error;
    // Every read is bounds-checked above; this only turns a missed check into the documented error type.
    throw new FrameDecodeError('truncated', 'unexpected decoder failure', { cause: error });
  }
}

function decodeUnchecked(bytes: Uint8Array): Frame {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (end: number, what: string): void => {
    if (bytes.byteLength < end) fail('truncated', `${bytes.byteLength} bytes end inside the ${what}`);
  };
  need(4, 'magic');
  if (MAGIC_BYTES.some((byte, index) => bytes[index] !== byte)) fail('bad_magic', 'not a frame message');
  need(FIXED_SIZE, 'fixed header');
  const version = view.getUint8(4);
  if (version !== FRAME_VERSION)
    fail('unsupported_version', `version ${version}, this reader knows ${FRAME_VERSION}`);
  const pixelFormat = pixelFormatFromCode(view.getUint8(5));
  if (pixelFormat === undefined) fail('bad_pixel_format', `unknown pixel format code ${view.getUint8(5)}`);
  const flags = view.getUint16(6, true);
  const width = view.getUint16(8, true);
  const height = view.getUint16(10, true);
  const payloadSize = pixelFormatSize(pixelFormat, width, height);
  if (payloadSize === undefined)
    fail('bad_dimensions', `${width}x${height} is not a valid ${pixelFormat} size`);
  const sequence = view.getBigUint64(12, true);
  if (sequence > BigInt(Number.MAX_SAFE_INTEGER))
    fail('bad_sequence', `sequence ${sequence} exceeds 2^53 - 1`);
  const captureTime = view.getFloat64(20, true);
  if (!Number.isFinite(captureTime) || captureTime < 0)
    fail('bad_capture_time', `capture time ${captureTime}`);
  const producerEpoch = view.getUint32(28, true);

  let at = FIXED_SIZE;
  need(at + 1, 'camera length');
  const cameraLength = view.getUint8(at);
  need(at + 1 + cameraLength, 'camera name');
  const camera = String.fromCharCode(...bytes.subarray(at + 1, at + 1 + cameraLength));
  if (!isValidCameraName(camera)) fail('bad_camera', 'camera name is not a valid subject token');
  at += 1 + cameraLength;

  need(at + 1, 'producer length');
  const producerLength = view.getUint8(at);
  need(at + 1 + producerLength, 'producer id');
  if (producerLength === 0) fail('bad_producer', 'empty producer id');
  let producer: string;
  try {
    producer = strictUtf8.decode(bytes.subarray(at + 1, at + 1 + producerLength));
  } catch (cause) {
    fail('bad_producer', 'producer id is not UTF-8', cause);
  }
  at += 1 + producerLength;

  need(at + 2, 'motion box count');
  const boxCount = view.getUint16(at, true);
  at += 2;
  need(at + 8 * boxCount, 'motion boxes');
  const motionBoxes: Box[] = [];
  for (let index = 0; index < boxCount; index++, at += 8) {
    const box = [
      view.getUint16(at, true),
      view.getUint16(at + 2, true),
      view.getUint16(at + 4, true),
      view.getUint16(at + 6, true),
    ] as const;
    const problem = boxProblem(box, width, height);
    if (problem) fail('bad_box', `motion box ${index}: ${problem}`);
    motionBoxes.push(box);
  }

  need(at + 4, 'payload length');
  const declared = view.getUint32(at, true);
  at += 4;
  if (payloadSize === 'variable') {
    const problem = jpegPayloadProblem(declared);
    if (problem !== undefined) fail('payload_size_mismatch', problem);
  } else if (declared !== payloadSize) {
    fail(
      'payload_size_mismatch',
      `declares ${declared} bytes, ${pixelFormat} ${width}x${height} is ${payloadSize}`,
    );
  }
  need(at + declared, 'payload');
  if (bytes.byteLength > at + declared)
    fail('trailing_bytes', `${bytes.byteLength - at - declared} bytes after payload`);
  if (payloadSize === 'variable') {
    const problem = jpegPayloadProblem(declared, bytes.subarray(at, at + 2));
    if (problem !== undefined) fail('bad_payload', problem);
  }

  return {
    camera,
    producer,
    producerEpoch,
    sequence: Number(sequence),
    captureTime,
    width,
    height,
    pixelFormat,
    hasMotion: (flags & FLAG_MOTION) !== 0,
    trackingRefresh: (flags & FLAG_TRACKING_REFRESH) !== 0,
    motionBoxes,
    payload: bytes.subarray(at, at + declared),
  };
}

function validateHeader(header: FrameHeader): void {
  if (!isValidCameraName(header.camera)) reject('bad_camera', 'camera name is not a valid subject token');
  if (header.producer.length === 0) reject('bad_producer', 'empty producer id');
  producerByteLength(header.producer);
  if (!Number.isSafeInteger(header.sequence) || header.sequence < 0) {
    reject('bad_sequence', `sequence ${header.sequence} is not a non-negative safe integer`);
  }
  if (!Number.isFinite(header.captureTime) || header.captureTime < 0) {
    reject('bad_capture_time', `capture time ${header.captureTime}`);
  }
  if (
    !Number.isInteger(header.producerEpoch) ||
    header.producerEpoch < 0 ||
    header.producerEpoch > 0xffffffff
  ) {
    reject('bad_epoch', `producer epoch ${header.producerEpoch} is not a u32`);
  }
  if (header.motionBoxes.length > MAX_BOXES) reject('bad_box', `${header.motionBoxes.length} motion boxes`);
  header.motionBoxes.forEach((box, index) => {
    const problem = boxProblem(box, header.width, header.height);
    if (problem) reject('bad_box', `motion box ${index}: ${problem}`);
  });
}

/** The payload size of a message for `header`: the raw image size, or `given` (required) for a JPEG. */
function expectedPayloadSize(header: FrameHeader, given?: number): number {
  if (!(header.pixelFormat in PIXEL_FORMAT_CODES)) reject('bad_pixel_format', String(header.pixelFormat));
  const size = pixelFormatSize(header.pixelFormat, header.width, header.height);
  if (size === undefined) {
    reject('bad_dimensions', `${header.width}x${header.height} is not a valid ${header.pixelFormat} size`);
  }
  if (size !== 'variable') return size;
  if (given === undefined) reject('payload_size_mismatch', 'a JPEG frame needs its payload size');
  const problem = jpegPayloadProblem(given);
  if (problem !== undefined) reject('payload_size_mismatch', problem);
  return given;
}

function producerByteLength(producer: string): number {
  const length = utf8.encode(producer).byteLength;
  if (length > MAX_PRODUCER_BYTES) reject('bad_producer', `producer id is ${length} bytes, at most 255`);
  return length;
}

function boxProblem(box: Box, width: number, height: number): string | undefined {
  const [x1, y1, x2, y2] = box;
  if (!box.every((value) => Number.isInteger(value) && value >= 0))
    return 'coordinates must be integers >= 0';
  if (x1 >= x2 || y1 >= y2) return `[${box.join(', ')}] is empty or inverted`;
  if (x2 > width || y2 > height) return `[${box.join(', ')}] exceeds ${width}x${height}`;
  return undefined;
}

function writeString(target: Uint8Array, view: DataView, base: number, at: number, value: string): number {
  const { written } = utf8.encodeInto(value, target.subarray(base + at + 1));
  view.setUint8(at, written);
  return at + 1 + written;
}

function fail(reason: FrameErrorReason, message: string, cause?: unknown): never {
  throw new FrameDecodeError(reason, message, cause === undefined ? undefined : { cause });
}

function reject(reason: FrameErrorReason, message: string): never {
  throw new FrameEncodeError(reason, message);
}
