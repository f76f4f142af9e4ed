import { resolveFfmpegPath, spawnChild } from '@shiriki/process';
import { RtspReadError } from './errors.js';
import { waitFor } from '@shiriki/stack';

export interface RtspReadOptions {
  /** Default `resolveFfmpegPath()`. */
  ffmpegPath?: string;
  /** Give up on one attempt after this long. Default 15 000 ms. */
  attemptTimeoutMs?: number;
}

export interface RtspReadResult {
  /** Video frames ffmpeg decoded. */
  frames: number;
  /** Wall-clock time from starting ffmpeg to its exit. */
  elapsedMs: number;
}

const ATTEMPT_TIMEOUT_MS = 15_000;

/**
 * Resolves once ffmpeg decodes a video frame from `rtspUrl` over TCP, retrying until `timeoutMs`: go2rtc
 * starts a stream's source only when the first client asks, so the first attempts may find nothing yet.
 */
export async function waitForRtspVideo(
  rtspUrl: string,
  timeoutMs = 30_000,
  options: RtspReadOptions = {},
): Promise<void> {
  await waitFor(
    async () => {
      const { frames } = await readRtspVideo(rtspUrl, ['-frames:v', '1'], options);
      if (frames < 1) throw new Error('ffmpeg exited cleanly but decoded no frame');
      return true;
    },
    { what: `video from ${redactUserinfo(rtspUrl)}`, timeoutMs, intervalMs: 500 },
  );
}

/** Decodes `seconds` of video (stream time) from `rtspUrl` over TCP and counts the frames. */
export function countRtspFrames(
  rtspUrl: string,
  seconds: number,
  options: RtspReadOptions = {},
): Promise<RtspReadResult> {
  return readRtspVideo(rtspUrl, ['-t', String(seconds)], options);
}

async function readRtspVideo(
  rtspUrl: string,
  limit: readonly string[],
  options: RtspReadOptions,
): Promise<RtspReadResult> {
  const ffmpeg = options.ffmpegPath ?? resolveFfmpegPath();
  const args = [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-rtsp_transport', 'tcp', '-i', rtspUrl],
    ...['-map', '0:v:0', ...limit, '-f', 'null', '-progress', 'pipe:1', '-'],
  ];
  const started = Date.now();
  const child = await spawnChild(ffmpeg, args, {
    name: 'ffmpeg[rtsp-read]',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let progress = '';
  let errors = '';
  child.process.stdout?.on('data', (chunk: Buffer) => (progress += chunk.toString()));
  child.process.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const timer = setTimeout(
    () => void child.stop({ termGraceMs: 1000 }),
    options.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS,
  );
  const exit = await child.exited.finally(() => clearTimeout(timer));
  const elapsedMs = Date.now() - started;
  if (exit.code !== 0) {
    const lastLine = errors.trim().split('\n').at(-1) ?? '';
    throw new RtspReadError(redactUserinfo(rtspUrl), exit.code, exit.signal, redactUserinfo(lastLine));
  }
  const frameCounts = [...progress.matchAll(/^frame=(\d+)$/gm)].map((match) => Number(match[1]));
  return { frames: frameCounts.at(-1) ?? 0, elapsedMs };
}

// Test URLs carry no credentials, but an error message must not leak them if one ever does.
function redactUserinfo(text: string): string {
  return text.replace(/(\w+:\/\/)[^/@\s]*@/g, '$1***@');
}
