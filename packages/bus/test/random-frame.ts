import { randomBytes, randomInt } from 'node:crypto';
import { pixelFormatSize, type Frame, type PixelFormat } from '../src/index.js';
import type { Box } from '@shiriki/geometry';

const FORMATS: readonly PixelFormat[] = ['yuv420p', 'gray8', 'rgb24', 'bgr24', 'jpeg'];

export interface RandomFrameOptions {
  camera?: string;
  width?: number;
  height?: number;
  pixelFormat?: PixelFormat;
  sequence?: number;
}

/** A valid frame with random header fields, motion boxes and payload bytes. */
export function randomFrame(options: RandomFrameOptions = {}): Frame {
  const pixelFormat = options.pixelFormat ?? FORMATS[randomInt(FORMATS.length)]!;
  const width = options.width ?? 2 * randomInt(1, 40);
  const height = options.height ?? 2 * randomInt(1, 30);
  const size = pixelFormatSize(pixelFormat, width, height);
  if (size === undefined) throw new Error(`bad test dimensions ${width}x${height}`);
  const payload = new Uint8Array(randomBytes(size === 'variable' ? randomInt(4, 4000) : size));
  // The codec checks a JPEG's start-of-image marker only; the bytes after it stay random.
  if (size === 'variable') payload.set([0xff, 0xd8]);
  const boxes: Box[] = Array.from({ length: randomInt(0, 6) }, () => randomBox(width, height));
  return {
    camera: options.camera ?? `cam_${randomInt(1000)}`,
    producer: `ingest-${randomInt(100)}/é`,
    producerEpoch: randomInt(0, 2 ** 32 - 1),
    sequence: options.sequence ?? randomInt(0, 2 ** 48 - 1) * 32 + randomInt(32),
    captureTime: Date.now() + Math.random(),
    width,
    height,
    pixelFormat,
    hasMotion: boxes.length > 0,
    trackingRefresh: Math.random() < 0.3,
    motionBoxes: boxes,
    payload,
  };
}

function randomBox(width: number, height: number): Box {
  const x1 = randomInt(0, width);
  const y1 = randomInt(0, height);
  return [x1, y1, randomInt(x1 + 1, width + 1), randomInt(y1 + 1, height + 1)];
}
