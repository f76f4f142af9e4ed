/**
 * A bare-limit floor for bench/ingest.ts: the least a node process does per camera to get ffmpeg's frames,
 * started by the bench as its own process so its CPU (node plus its ffmpeg children) is read from /proc
 * exactly like the ingest worker's. Per camera it spawns ffmpeg with ingest's decoder argv and
 *  - `read`: reads stdout and cuts whole frames into one preallocated buffer, nothing else;
 *  - `publish`: as `read`, and publishes every frame to NATS with nats.js (`connectBus`, as the services
 *    connect) on the camera's frames subject, a frame header of ingest's layout in front of the pixels;
 *  - `motion`: as `publish`, and runs `MotionDetector` (default options, as ingest's config defaults) on
 *    the luma plane of every frame.
 * `reader` picks how stdout is read: `pipe` (a `'data'` listener on the child's stdout, each 64 KiB chunk a
 * new Buffer, copied into the frame) or `socket` (`openStdoutSocket`: reads land in the frame itself).
 * A `publish` floor reuses one message buffer per camera: nats.js copies the payload into its outbound
 * buffer in a microtask after `publish`, before the next read, while it is connected (ingest cannot rely on
 * that, a reconnect keeps references); so this is a floor, below what ingest can do.
 *
 * Run by the bench: node --conditions=shiriki-source --import tsx bench/ingest-floor.ts '<FloorConfig JSON>'
 * Prints `ready` once every camera has delivered a frame, then answers each line on stdin with
 * `{"frames":n,"published":n}` (totals over all cameras).
 */
import { createInterface } from 'node:readline';
import {
  connectBus,
  createSubjects,
  encodeFrameHeaderInto,
  frameHeaderSize,
  type Bus,
  type FrameHeader,
} from '@shiriki/bus';
import { decoderArgs, frameSizeOf } from '@shiriki/media';
import { openStdoutSocket } from '@shiriki/media/internal';
import { MotionDetector } from '@shiriki/motion';
import { spawnChild, type ManagedChild } from '@shiriki/process';
import { quietLogger } from './quiet-logger.js';

export interface FloorConfig {
  mode: 'read' | 'publish' | 'motion';
  reader: 'pipe' | 'socket';
  ffmpeg: string;
  natsUrl: string;
  /** go2rtc RTSP URL per camera, keyed by camera name. */
  cameras: Record<string, string>;
  width: number;
  height: number;
  fps: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as FloorConfig;
const { width, height } = config;
const frameSize = frameSizeOf(width, height, 'yuv420p');
const subjects = createSubjects();
const bus: Bus | undefined =
  config.mode === 'read'
    ? undefined
    : await connectBus({ servers: [config.natsUrl] }, { logger: quietLogger, name: 'ingest-floor' });
let frames = 0;
let published = 0;
const streaming = new Set<string>();

/** One camera: a message buffer with the header in front of the pixel slot the frames are cut into. */
class Camera {
  readonly #subject: string;
  readonly #header: FrameHeader;
  readonly #message: Buffer;
  readonly #pixels: Uint8Array;
  readonly #motion: MotionDetector | undefined;
  #filled = 0;
  #sequence = 0;

  constructor(readonly name: string) {
    this.#subject = subjects.frames(name);
    this.#header = {
      camera: name,
      producer: 'ingest-floor-0123456789ab',
      producerEpoch: 1,
      sequence: 0,
      captureTime: 0,
      width,
      height,
      pixelFormat: 'yuv420p',
      hasMotion: true,
      trackingRefresh: false,
      motionBoxes: [],
    };
    const headerSize = frameHeaderSize(this.#header);
    this.#message = Buffer.allocUnsafeSlow(headerSize + frameSize);
    this.#pixels = this.#message.subarray(headerSize);
    this.#motion = config.mode === 'motion' ? new MotionDetector(width, height) : undefined;
  }

  /** `pipe` reader: copies a stdout chunk into the frame, publishing each frame it completes. */
  push(chunk: Buffer): void {
    for (let offset = 0; offset < chunk.length;) {
      const take = Math.min(frameSize - this.#filled, chunk.length - offset);
      this.#pixels.set(chunk.subarray(offset, offset + take), this.#filled);
      offset += take;
      this.#advance(take);
    }
  }

  /** `socket` reader: the rest of the current frame, which the next read fills. */
  readBuffer(): Uint8Array {
    return this.#pixels.subarray(this.#filled);
  }

  /** `socket` reader: `nread` bytes landed in the last `readBuffer()`. */
  advance(nread: number): void {
    this.#advance(nread);
  }

  #advance(bytes: number): void {
    this.#filled += bytes;
    if (this.#filled < frameSize) return;
    this.#filled = 0;
    this.#onFrame();
  }

  #onFrame(): void {
    frames++;
    streaming.add(this.name);
    const boxes = this.#motion?.detect(this.#pixels.subarray(0, width * height)).boxes;
    if (!bus) return;
    const header = this.#header;
    header.sequence = this.#sequence++;
    header.captureTime = Date.now();
    header.hasMotion = boxes === undefined || boxes.length > 0;
    encodeFrameHeaderInto(this.#message, header);
    bus.nc.publish(this.#subject, this.#message);
    published++;
  }
}

async function startCamera(name: string, inputUrl: string): Promise<ManagedChild> {
  const camera = new Camera(name);
  const args = decoderArgs({ inputUrl, width, height, fps: config.fps, pixelFormat: 'yuv420p' });
  if (config.reader === 'pipe') {
    const child = await spawnChild(config.ffmpeg, args);
    child.process.stdout?.on('data', (chunk: Buffer) => camera.push(chunk));
    child.process.stderr?.resume();
    return child;
  }
  const stdout = await openStdoutSocket({
    buffer: () => camera.readBuffer(),
    callback: (nread) => camera.advance(nread),
  });
  stdout.reader.on('error', (error) => console.error(`${name}: stdout socket: ${error.message}`));
  try {
    const child = await spawnChild(config.ffmpeg, args, { stdio: ['pipe', stdout.childEnd, 'pipe'] });
    child.process.stderr?.resume();
    return child;
  } finally {
    stdout.releaseChildEnd();
  }
}

const children = await Promise.all(
  Object.entries(config.cameras).map(([name, url]) => startCamera(name, url)),
);
const cameraCount = children.length;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    if (streaming.size < cameraCount) return;
    clearInterval(timer);
    resolve();
  }, 100);
});
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
lines.on('line', () => process.stdout.write(`${JSON.stringify({ frames, published })}\n`));
const stop = async (): Promise<void> => {
  lines.close();
  await Promise.all(children.map((child) => child.stop({ quitInput: 'q', quitGraceMs: 2000 })));
  await bus?.drain();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
lines.once('close', () => void stop());
