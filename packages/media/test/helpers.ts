import { spawnChild, resolveFfmpegPath } from '@shiriki/process';
import { assetPath } from '@shiriki/testing';
import type { DecoderStateChange, FfmpegDecoder } from '@shiriki/media';
import type { LogSink } from '@shiriki/telemetry';

/** A clip from the shared assets: 139 s, 768x432, 10 fps, h264. */
export const PERSON_WALK = assetPath('media/person-walk.mp4');

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: object;
  message: string;
}

/** A logger that keeps every entry, so tests can check what would have been written. */
export function captureLogger(): LogSink & { entries: LogEntry[]; text(): string } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (fields: object, message: string): void => {
      entries.push({ level, fields, message });
    };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => entries.map((entry) => JSON.stringify(entry)).join('\n'),
  };
}

/** Records every state change of a decoder. */
export function recordStates(decoder: FfmpegDecoder): DecoderStateChange[] {
  const changes: DecoderStateChange[] = [];
  decoder.on('state', (change) => changes.push(change));
  return changes;
}

/** Polls `predicate` until it holds; fails with `what` after `timeoutMs`. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs the bundled ffmpeg to completion and returns its stdout. */
export async function runFfmpeg(args: readonly string[]): Promise<Buffer> {
  const child = await spawnChild(
    resolveFfmpegPath(),
    ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const chunks: Buffer[] = [];
  child.process.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<void>((r) => child.process.once('close', () => r()));
  const [exit] = await Promise.all([child.exited, closed]);
  if (exit.code !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed with ${JSON.stringify(exit)}`);
  return Buffer.concat(chunks);
}
