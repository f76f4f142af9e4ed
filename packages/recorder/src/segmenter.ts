import { readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Backoff, LineSplitter, parseStderrReason, segmenterArgs } from '@shiriki/media';
import { resolveFfmpegPath, spawnChild, type ManagedChild } from '@shiriki/process';
import { redactText, type Logger, LogLimiter } from '@shiriki/telemetry';
import { nextSegmentPath } from './live-segment.js';
import { IN_PROGRESS_PREFIX, WallClockAnchor, parseSegmentListLine, type Segment } from './segment-file.js';
import type { SegmentRing } from './segment-ring.js';

export interface SegmenterOptions {
  camera: string;
  /** `rtsp://<go2rtc>:8554/<camera>`. */
  inputUrl: string;
  ring: SegmentRing;
  /** `record.segment_seconds`. */
  segmentSeconds: number;
  logger: Logger;
  ffmpegPath?: string;
  /** Extra input arguments (`cameras.<name>.ffmpeg.input_args`). */
  inputArgs?: readonly string[];
  /** No finished segment for this long restarts ffmpeg. Default max(20 s, 4 segments). */
  stallTimeoutMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  onSegment?: (segment: Segment) => void;
  onRestart?: (reason: string) => void;
}

export const SEGMENTER_DEFAULTS = {
  initialBackoffMs: 1_000,
  maxBackoffMs: 30_000,
  quitGraceMs: 2_000,
  termGraceMs: 3_000,
  stderrMaxLines: 5,
  stderrWindowMs: 10_000,
} as const;

export type SegmenterState = 'stopped' | 'starting' | 'recording' | 'backoff';

/**
 * Keeps one ffmpeg copying a camera's go2rtc restream into the ring: restarts it with backoff (full
 * jitter) when it exits or stops producing segments, logs its stderr rate-limited and redacted, and moves
 * each finished segment into the ring under its wall-clock name.
 */
export class Segmenter {
  #state: SegmenterState = 'stopped';
  #active = false;
  #child: ManagedChild | undefined;
  #running: Promise<void> | undefined;
  #backoffTimer: NodeJS.Timeout | undefined;
  #stallTimer: NodeJS.Timeout | undefined;
  #lastSegmentAt = 0;
  #restarts = 0;
  readonly #backoff: Backoff;
  readonly #stderrLimiter = new LogLimiter({
    maxLines: SEGMENTER_DEFAULTS.stderrMaxLines,
    windowMs: SEGMENTER_DEFAULTS.stderrWindowMs,
  });

  constructor(private readonly options: SegmenterOptions) {
    this.#backoff = new Backoff({
      initialMs: options.initialBackoffMs ?? SEGMENTER_DEFAULTS.initialBackoffMs,
      maxMs: options.maxBackoffMs ?? SEGMENTER_DEFAULTS.maxBackoffMs,
    });
  }

  get state(): SegmenterState {
    return this.#state;
  }

  get restarts(): number {
    return this.#restarts;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    if (this.#active) return;
    this.#active = true;
    this.#launch('start requested');
  }

  /** Stops ffmpeg with `q`, then SIGTERM, then SIGKILL; the last segment is reported and kept. */
  async stop(): Promise<void> {
    this.#active = false;
    clearTimeout(this.#backoffTimer);
    clearTimeout(this.#stallTimer);
    await this.#child?.stop({
      quitInput: 'q',
      quitGraceMs: SEGMENTER_DEFAULTS.quitGraceMs,
      termGraceMs: SEGMENTER_DEFAULTS.termGraceMs,
    });
    await this.#running;
    this.#state = 'stopped';
  }

  #launch(reason: string): void {
    this.#state = 'starting';
    this.#running = this.#run(reason).catch((error: unknown) => {
      this.options.logger.error({ err: error }, 'segmenter run failed');
    });
  }

  async #run(reason: string): Promise<void> {
    const o = this.options;
    const ffmpegPath = o.ffmpegPath ?? resolveFfmpegPath();
    const runId = Date.now().toString(36);
    const pattern = join(o.ring.dir, `${IN_PROGRESS_PREFIX}${runId}-%06d.ts`);
    const args = segmenterArgs({
      inputUrl: o.inputUrl,
      segmentSeconds: o.segmentSeconds,
      pattern,
      ...(o.inputArgs ? { inputArgs: o.inputArgs } : {}),
    });
    o.logger.info({ reason, command: [ffmpegPath, ...args].map(redactText).join(' ') }, 'starting segmenter');
    let child: ManagedChild;
    try {
      child = await spawnChild(ffmpegPath, args, { name: `ffmpeg[record:${o.camera}]` });
    } catch (error) {
      this.#scheduleRestart(error instanceof Error ? error.message : String(error));
      return;
    }
    this.#child = child;
    if (!this.#active) {
      await child.stop({ quitInput: 'q' });
      return;
    }
    this.#state = 'recording';
    this.#lastSegmentAt = Date.now();
    this.#armStall(child);
    const anchor = new WallClockAnchor();
    let lastReason: string | undefined;
    let adding = Promise.resolve();
    // Segments ffmpeg failed to finish (a full disk): cut off mid-frame, they would break every clip cut
    // from them, so they never join the ring, or leave it when the failure is reported after they joined.
    const failed = new Set<string>();
    const joined = new Map<string, string>();
    const lines = new LineSplitter((line) => {
      const entry = parseSegmentListLine(line);
      if (!entry) return;
      const arrival = Date.now();
      const anchorMs = anchor.observe(entry, arrival);
      this.#lastSegmentAt = arrival;
      this.#backoff.reset();
      const tempPath = join(o.ring.dir, entry.file.split('/').pop() ?? entry.file);
      adding = adding.then(async () => {
        if (failed.has(basename(tempPath))) {
          await rm(tempPath, { force: true });
          return;
        }
        try {
          const segment = await o.ring.add(
            tempPath,
            anchorMs + entry.startS * 1000,
            anchorMs + entry.endS * 1000,
          );
          joined.set(basename(tempPath), segment.file);
          const next = nextSegmentPath(tempPath);
          if (this.#child === child)
            o.ring.setLive(next ? { path: next, startMs: segment.endMs } : undefined);
          o.onSegment?.(segment);
        } catch (error) {
          o.logger.warn({ err: error, file: entry.file }, 'could not add a segment');
        }
      });
    });
    const stderr = new LineSplitter((raw) => {
      const line = redactText(raw);
      lastReason = parseStderrReason(line) ?? lastReason;
      const unfinished = /Failure occurred when ending segment '([^']+)'/.exec(line)?.[1];
      if (unfinished !== undefined) failed.add(basename(unfinished));
      const { log, suppressed } = this.#stderrLimiter.admit();
      if (suppressed > 0) o.logger.warn({ suppressed }, 'suppressed ffmpeg stderr lines');
      if (log) o.logger.warn({ pid: child.pid }, `ffmpeg: ${line}`);
    });
    child.process.stdout?.setEncoding('utf8');
    child.process.stdout?.on('data', (text: string) => lines.push(text));
    child.process.stderr?.setEncoding('utf8');
    child.process.stderr?.on('data', (text: string) => stderr.push(text));
    const closed = new Promise<void>((resolve) => child.process.once('close', () => resolve()));
    const [exit] = await Promise.all([child.exited, closed]);
    lines.flush();
    stderr.flush();
    await adding;
    for (const file of failed) {
      const inRing = joined.get(file);
      if (inRing !== undefined) await o.ring.remove(inRing);
    }
    if (failed.size > 0) o.logger.warn({ segments: failed.size }, 'dropped segments ffmpeg could not finish');
    clearTimeout(this.#stallTimer);
    this.#child = undefined;
    o.ring.setLive(undefined);
    await this.#removeLeftovers(runId);
    const why =
      lastReason ?? (exit.signal ? `killed by ${exit.signal}` : `exited with code ${String(exit.code)}`);
    if (!this.#active) return;
    o.logger.warn({ code: exit.code, signal: exit.signal }, `segmenter exited: ${why}`);
    this.#scheduleRestart(why);
  }

  /** Segments ffmpeg started but never reported (it was killed) cannot be placed in time: drop them. */
  async #removeLeftovers(runId: string): Promise<void> {
    const prefix = `${IN_PROGRESS_PREFIX}${runId}-`;
    const files = await readdir(this.options.ring.dir).catch(() => [] as string[]);
    await Promise.all(
      files
        .filter((f) => f.startsWith(prefix))
        .map((f) => rm(join(this.options.ring.dir, f), { force: true })),
    );
  }

  #scheduleRestart(reason: string): void {
    if (!this.#active) return;
    const delay = this.#backoff.next();
    this.#state = 'backoff';
    this.#restarts++;
    this.options.onRestart?.(reason);
    this.options.logger.warn({ retryInMs: delay, reason }, 'segmenter backoff');
    this.#backoffTimer = setTimeout(() => this.#launch(`restart after: ${reason}`), delay);
  }

  #armStall(child: ManagedChild): void {
    const timeoutMs = this.options.stallTimeoutMs ?? Math.max(20_000, 4 * this.options.segmentSeconds * 1000);
    const check = () => {
      if (this.#child !== child || !this.#active) return;
      const silent = Date.now() - this.#lastSegmentAt;
      if (silent < timeoutMs) {
        this.#stallTimer = setTimeout(check, timeoutMs - silent);
        return;
      }
      this.options.logger.warn({ silentMs: silent }, 'segmenter stalled');
      void child.stop({ quitInput: 'q', quitGraceMs: 1000, termGraceMs: 2000 });
    };
    this.#stallTimer = setTimeout(check, timeoutMs);
  }
}
