// What the run left behind: every event and clip message from their JetStream streams (read after the run,
// so a NATS restart during it hides nothing), and whether each stored clip decodes.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import * as Minio from 'minio';
import {
  ClipReadySchema,
  ObjectEventSchema,
  decodeJson,
  type ClipReady,
  type ObjectEvent,
} from '@shiriki/bus';
import { resolveFfmpegPath } from '@shiriki/process';
import type { MinioServer } from '@shiriki/testing';

const run = promisify(execFile);

/** Every message of `stream`, in order. */
export async function readStream(nc: NatsConnection, stream: string): Promise<Uint8Array[]> {
  const consumer = await jetstream(nc).consumers.get(stream);
  const out: Uint8Array[] = [];
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 500, expires: 2000 });
    let got = 0;
    let pending = 0;
    for await (const m of batch) {
      out.push(m.data);
      got++;
      pending = m.info.pending;
    }
    if (got === 0 || pending === 0) return out;
  }
}

export interface Decoded<T> {
  values: T[];
  /** Messages that did not decode: the proof's own bad input lands in the streams too. */
  invalid: number;
}

function decodeAll<T>(messages: Uint8Array[], decode: (data: Uint8Array) => T): Decoded<T> {
  const values: T[] = [];
  let invalid = 0;
  for (const data of messages) {
    try {
      values.push(decode(data));
    } catch {
      invalid++;
    }
  }
  return { values, invalid };
}

export async function readEvents(nc: NatsConnection, stream: string): Promise<Decoded<ObjectEvent>> {
  return decodeAll(await readStream(nc, stream), (data) => decodeJson(ObjectEventSchema, data));
}

export async function readClips(nc: NatsConnection, stream: string): Promise<Decoded<ClipReady>> {
  return decodeAll(await readStream(nc, stream), (data) => decodeJson(ClipReadySchema, data));
}

export interface ClipCheck {
  eventId: string;
  /** Every frame decoded: no decoder error. */
  playable: boolean;
  frames: number;
  error?: string;
  /** Frames that share a timestamp (they decode and play; the picture skips there). */
  timingFlaw?: string;
}

/**
 * ffmpeg's complaint, writing the decoded frames, that two of them share a time: the clip's own timestamps
 * are flawed there, but every frame decoded.
 */
const TIMING_LINE = /non monotonically increasing dts to muxer|^\s*Last message repeated/;

/** Splits what ffmpeg printed decoding a clip into decoder errors and complaints about shared timestamps. */
export function splitDecodeComplaints(stderr: string): { error: string; timing: string } {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  return {
    error: lines.filter((line) => !TIMING_LINE.test(line)).join('\n'),
    timing: lines.filter((line) => TIMING_LINE.test(line)).join('\n'),
  };
}

/** Fetches each clip from the store and decodes every frame of it with ffmpeg. */
export async function checkClips(
  minio: MinioServer,
  bucket: string,
  clips: ClipReady[],
  dir: string,
): Promise<ClipCheck[]> {
  const client = new Minio.Client({
    endPoint: minio.endPoint,
    port: minio.port,
    useSSL: false,
    accessKey: minio.accessKey,
    secretKey: minio.secretKey,
  });
  const checks: ClipCheck[] = [];
  for (const clip of clips) {
    const file = join(dir, `${clip.event_id}.mp4`);
    try {
      await client.fGetObject(bucket, clip.keys.clip, file);
      const { stdout, stderr } = await run(
        resolveFfmpegPath(),
        ['-nostdin', '-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'null', '-progress', 'pipe:1', '-'],
        { maxBuffer: 16 * 1024 * 1024 },
      );
      const frames = Number([...stdout.matchAll(/^frame=(\d+)/gm)].at(-1)?.[1] ?? 0);
      const { error, timing } = splitDecodeComplaints(stderr);
      checks.push({
        eventId: clip.event_id,
        playable: frames > 0 && error === '',
        frames,
        ...(error ? { error: error.slice(0, 300) } : {}),
        ...(timing ? { timingFlaw: timing.slice(0, 300) } : {}),
      });
    } catch (error) {
      checks.push({ eventId: clip.event_id, playable: false, frames: 0, error: String(error).slice(0, 300) });
    }
  }
  return checks;
}
