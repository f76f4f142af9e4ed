import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { clipCutArgs } from '@shiriki/media';
import { spawnChild } from '@shiriki/process';
import type { ObjectStore, StoredObject } from '@shiriki/storage';
import { ApiError, NotFoundError } from './errors.js';

const HOUR_MS = 3_600_000;

/** One continuous-recording chunk in the store. */
export interface RecordingChunk {
  start: number;
  end: number;
  size: number;
  /** Part of the footage was missing when the chunk was cut. */
  partial: boolean;
  /** Store key; not returned to clients. */
  key: string;
}

/** ffmpeg failed to cut footage that exists. */
export class RecordingCutError extends ApiError {
  override name = 'RecordingCutError';
  readonly camera: string;
  constructor(message: string, options: { camera: string; stderr: string[]; cause?: unknown }) {
    super(`${message}${options.stderr.length > 0 ? `: ${options.stderr.join(' | ')}` : ''}`, {
      cause: options.cause,
    });
    this.camera = options.camera;
  }
}

/**
 * Chunks of `camera` that overlap `[after, before)`, oldest first. Keys are laid out by UTC hour
 * (`recordings/<camera>/<day>/<hour>/<start>.mp4`), so only the hours in range are listed, plus the one
 * before `after` whose last chunk may reach into it.
 */
export async function listRecordings(
  store: ObjectStore,
  camera: string,
  after: number,
  before: number,
): Promise<RecordingChunk[]> {
  const chunks: RecordingChunk[] = [];
  for (let hour = Math.floor(after / HOUR_MS) * HOUR_MS - HOUR_MS; hour < before; hour += HOUR_MS) {
    const d = new Date(hour);
    const prefix = `recordings/${camera}/${d.toISOString().slice(0, 10)}/${String(d.getUTCHours()).padStart(2, '0')}/`;
    for await (const object of store.list(prefix)) {
      const chunk = toChunk(object);
      if (chunk && chunk.end > after && chunk.start < before) chunks.push(chunk);
    }
  }
  return chunks.sort((a, b) => a.start - b.start);
}

function toChunk(object: StoredObject): RecordingChunk | undefined {
  const fromKey = Number(/\/(\d+)\.mp4$/.exec(object.key)?.[1]);
  const start = Number(object.metadata.start ?? fromKey);
  const end = Number(object.metadata.end ?? object.lastModified.getTime());
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return undefined;
  return { start, end, size: object.size, partial: object.metadata.partial !== undefined, key: object.key };
}

export interface CutRecordingOptions {
  store: ObjectStore;
  ffmpegPath: string;
  camera: string;
  start: number;
  end: number;
  /** Scratch directory; the clip and the downloaded chunks go in a fresh folder inside. */
  workDir: string;
}

/**
 * Cuts `[start, end)` from the camera's continuous recordings by stream copy (no re-encode): the chunks
 * that overlap are fetched, joined with the concat demuxer from the first one's in-point, and cut to the
 * length asked. Returns the MP4 path and a `cleanup` that removes the scratch folder.
 */
export async function cutRecording(
  o: CutRecordingOptions,
): Promise<{ path: string; cleanup: () => Promise<void>; chunks: RecordingChunk[] }> {
  const chunks = await listRecordings(o.store, o.camera, o.start, o.end);
  const first = chunks[0];
  if (!first) throw new NotFoundError('recording', `${o.camera} ${new Date(o.start).toISOString()}`);
  const dir = join(o.workDir, `cut-${o.camera}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const lines: string[] = [];
    for (const [i, chunk] of chunks.entries()) {
      const path = join(dir, `${i}.mp4`);
      await pipeline(await o.store.getStream(chunk.key), createWriteStream(path));
      lines.push(`file '${path}'`);
      if (i === 0 && o.start > chunk.start)
        lines.push(`inpoint ${((o.start - chunk.start) / 1000).toFixed(3)}`);
    }
    const listPath = join(dir, 'list.txt');
    await writeFile(listPath, lines.join('\n') + '\n');
    const outPath = join(dir, 'clip.mp4');
    const from = Math.max(o.start, first.start);
    const durationS = Math.max(0.1, (Math.min(o.end, chunks.at(-1)!.end) - from) / 1000);
    const child = await spawnChild(o.ffmpegPath, clipCutArgs({ listPath, durationS, outPath }), {
      name: `ffmpeg[recording ${o.camera}]`,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stderr: string[] = [];
    child.process.stderr?.setEncoding('utf8');
    child.process.stderr?.on('data', (text: string) => {
      for (const line of text.split('\n'))
        if (line.trim() && !line.includes('time=') && stderr.length < 5) stderr.push(line.trim());
    });
    const exit = await child.exited;
    const size = (await stat(outPath).catch(() => undefined))?.size ?? 0;
    if (exit.code !== 0 || size === 0) {
      throw new RecordingCutError(
        `ffmpeg could not cut ${o.camera}'s recording (code ${String(exit.code)})`,
        {
          camera: o.camera,
          stderr,
        },
      );
    }
    return { path: outPath, cleanup, chunks };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
