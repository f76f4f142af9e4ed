import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { resolveFfmpegPath, spawnChild, type ChildExit, type ManagedChild } from '@shiriki/process';
import { redactText, LogLimiter } from '@shiriki/telemetry';
import { Backoff } from './backoff.js';
import { decoderArgs, frameSizeOf, JPEG_OUTPUT_FD, type DecoderArgsOptions } from './ffmpeg-args.js';
import { ffmpegVersion } from './ffmpeg-version.js';
import {
  DECODER_DEFAULTS,
  type DecodedFrame,
  type DecoderEvents,
  type DecoderState,
  type DecoderStateChange,
  type DecoderStats,
  type FfmpegDecoderOptions,
} from './decoder-options.js';
import { FfmpegExitedError, StreamStalledError } from './errors.js';
import { FrameSplitter } from './frame-splitter.js';
import { JpegPairer } from './jpeg-pairer.js';
import { JpegSplitter } from './jpeg-splitter.js';
import { isRoutineStderr, LineSplitter, parseStderrReason } from './stderr.js';
import { openStdoutSocket, type StdoutSocket } from './stdout-socket.js';
import { withoutUndefined } from '@shiriki/options';

type Settings = Required<Omit<FfmpegDecoderOptions, 'decode' | 'onFrame' | 'allocateFrame' | 'ffmpegPath'>>;

/** One ffmpeg process and what the decoder knows about it. */
interface Run {
  readonly child: ManagedChild;
  readonly splitter: FrameSplitter;
  /** With `decode.jpeg`: the JPEGs on fd 3, matched in order with the motion images on stdout. */
  readonly jpegs: { splitter: JpegSplitter; pairer: JpegPairer } | undefined;
  readonly stderr: LineSplitter;
  readonly startedAt: number;
  /** Resolves once ffmpeg has exited, its pipes are drained and the exit is handled. */
  finished: Promise<void>;
  frames: number;
  firstFrameAt: number | undefined;
  /** Start of the current silence: the last frame, or the start when there was none yet. */
  lastFrameAt: number;
  healthy: boolean;
  lastReason: string | undefined;
  /** Set when the decoder stops ffmpeg itself because of a failure (a stall). */
  failure: Error | undefined;
}

/**
 * Keeps one ffmpeg decoding a stream into raw frames (or, with `decode.jpeg`, JPEGs with small gray motion
 * images): restarts it with exponential backoff and full jitter
 * when it exits or stalls, and logs its stderr rate-limited and redacted. The frame handler runs
 * synchronously on each frame, so nothing queues behind it: a slow handler slows reads, never memory.
 * ffmpeg's stdout is a unix socket read in place (`openStdoutSocket`): every read lands in the frame's own
 * buffer, so reading allocates nothing and copies nothing.
 */
export class FfmpegDecoder extends EventEmitter<DecoderEvents> {
  readonly #settings: Settings;
  readonly #onFrame: FfmpegDecoderOptions['onFrame'];
  readonly #allocateFrame: FfmpegDecoderOptions['allocateFrame'];
  readonly #ffmpegPathOption: string | undefined;
  readonly #decode: DecoderArgsOptions;
  readonly #frameSize: number;
  readonly #backoff: Backoff;
  readonly #stderrLimiter: LogLimiter;
  readonly #handlerErrorLimiter: LogLimiter;
  #state: DecoderState = 'stopped';
  #active = false;
  #run: Run | undefined;
  #launching: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #backoffTimer: NodeJS.Timeout | undefined;
  #stallTimer: NodeJS.Timeout | undefined;
  #sequence = 0;
  readonly #stats = { restarts: 0, frames: 0, framesDropped: 0, bytes: 0 };
  /** Copies made by the splitters of runs that have ended. */
  #framesCopiedBefore = 0;
  #lastErrorReason: string | undefined;

  /** Throws `DecoderOptionsError` for an invalid `decode` section. */
  constructor(options: FfmpegDecoderOptions) {
    super();
    this.#settings = {
      ...DECODER_DEFAULTS,
      redact: redactText,
      random: Math.random,
      now: Date.now,
      ...withoutUndefined(options),
      logger: options.logger,
    };
    this.#onFrame = options.onFrame;
    this.#allocateFrame = options.allocateFrame;
    this.#ffmpegPathOption = options.ffmpegPath;
    this.#decode = options.decode;
    // Validates the options now; the arguments themselves are built per launch for the ffmpeg that runs them.
    decoderArgs(options.decode);
    const { jpeg } = options.decode;
    this.#frameSize = jpeg
      ? frameSizeOf(jpeg.motionWidth, jpeg.motionHeight, 'gray')
      : frameSizeOf(options.decode.width, options.decode.height, options.decode.pixelFormat);
    const { initialBackoffMs, maxBackoffMs, random, stderrMaxLines, stderrWindowMs, now } = this.#settings;
    this.#backoff = new Backoff({ initialMs: initialBackoffMs, maxMs: maxBackoffMs, random });
    this.#stderrLimiter = new LogLimiter({ maxLines: stderrMaxLines, windowMs: stderrWindowMs, now });
    this.#handlerErrorLimiter = new LogLimiter({ maxLines: 1, windowMs: stderrWindowMs, now });
  }

  get state(): DecoderState {
    return this.#state;
  }

  get stats(): DecoderStats {
    const framesCopied = this.#framesCopiedBefore + (this.#run?.splitter.counts.framesCopied ?? 0);
    return { state: this.#state, ...this.#stats, framesCopied, lastErrorReason: this.#lastErrorReason };
  }

  /** Bytes of one frame in the configured size and pixel format (with `jpeg`: of one motion image). */
  get frameSize(): number {
    return this.#frameSize;
  }

  /**
   * Starts ffmpeg and resolves once it runs (or, if it could not start, once a retry is scheduled).
   * Throws `ExecutableNotFoundError` when there is no ffmpeg; a second call while running does nothing.
   */
  async start(): Promise<void> {
    if (this.#active) return;
    await this.#stopping;
    const ffmpegPath = this.#ffmpegPathOption ?? resolveFfmpegPath();
    this.#active = true;
    this.#backoff.reset();
    this.#launching = this.#launch(ffmpegPath, 'start requested');
    await this.#launching;
  }

  /** Stops ffmpeg (`q`, then SIGTERM, then SIGKILL) and resolves once it is gone and no timer is left. */
  stop(): Promise<void> {
    if (!this.#active) return this.#stopping ?? Promise.resolve();
    this.#active = false;
    clearTimeout(this.#backoffTimer);
    this.#backoffTimer = undefined;
    this.#clearStallTimer();
    this.#stopping = this.#stopRun();
    return this.#stopping;
  }

  async #stopRun(): Promise<void> {
    await this.#launching; // a spawn in flight sees `#active === false` and stops its own child
    const run = this.#run;
    if (run) {
      await run.child.stop(this.#stopOptions());
      await run.finished;
    }
    this.#setState('stopped', 'stop requested');
  }

  async #launch(ffmpegPath: string, reason: string): Promise<void> {
    const { name, redact, now } = this.#settings;
    const args = decoderArgs({ ...this.#decode, ffmpegVersion: ffmpegVersion(ffmpegPath) });
    this.#setState('starting', reason);
    this.#settings.logger.info(
      { decoder: name, command: [ffmpegPath, ...args].map(redact).join(' ') },
      'starting ffmpeg',
    );
    // Frames reach the splitter only once the run below exists: nothing is read before ffmpeg runs, and the
    // reader is destroyed before anything else is awaited when the decoder was stopped meanwhile.
    const jpegs = this.#decode.jpeg
      ? {
          splitter: new JpegSplitter({
            onImage: (jpeg) => {
              this.#stats.bytes += jpeg.byteLength;
              if (this.#active) jpegs?.pairer.picture(jpeg);
            },
            onGarbage: (error) =>
              this.#settings.logger.warn({ decoder: name, err: error }, 'bad JPEG stream'),
          }),
          // A frame whose other half never came is lost: counted with the dropped frames.
          pairer: new JpegPairer((data, jpeg) => this.#onFrameData(run, data, jpeg), {
            onUnmatched: () => this.#stats.framesDropped++,
          }),
        }
      : undefined;
    const splitter = new FrameSplitter({
      frameSize: this.#frameSize,
      accept: () => this.#active,
      onFrame: (data) => (jpegs ? jpegs.pairer.motion(data) : this.#onFrameData(run, data)),
      onSkip: () => this.#onFrameSkipped(run),
      // Motion images are analysed at once and not kept: one reused buffer will do.
      allocate: jpegs ? undefined : this.#allocateFrame,
    });
    let stdout: StdoutSocket | undefined;
    let child: ManagedChild;
    try {
      stdout = await openStdoutSocket({
        buffer: () => splitter.readBuffer(),
        callback: (nread) => {
          this.#stats.bytes += nread;
          splitter.wrote(nread);
        },
      });
      child = await spawnChild(ffmpegPath, args, {
        name: `ffmpeg[${name}]`,
        stdio: jpegs ? ['pipe', stdout.childEnd, 'pipe', 'pipe'] : ['pipe', stdout.childEnd, 'pipe'],
      });
    } catch (error) {
      stdout?.reader.destroy();
      const cause = error instanceof Error ? error : new Error(String(error));
      if (this.#active) this.#scheduleRestart(ffmpegPath, 'could not start ffmpeg', cause);
      return;
    } finally {
      // ffmpeg holds its own copy now; without closing ours, ffmpeg's exit would never end the reader.
      stdout?.releaseChildEnd();
    }
    if (!this.#active) {
      stdout.reader.destroy();
      await child.stop(this.#stopOptions());
      return;
    }
    const startedAt = now();
    const run: Run = {
      child,
      startedAt,
      frames: 0,
      firstFrameAt: undefined,
      lastFrameAt: startedAt,
      healthy: false,
      lastReason: undefined,
      failure: undefined,
      finished: Promise.resolve(),
      splitter,
      jpegs,
      stderr: new LineSplitter((line) => this.#onStderrLine(run, line)),
    };
    this.#run = run;
    run.finished = this.#watch(run, stdout.reader, ffmpegPath);
    this.#armStallTimer(run);
  }

  async #watch(run: Run, stdout: Socket, ffmpegPath: string): Promise<void> {
    const { process } = run.child;
    stdout.on('error', (error) =>
      this.#settings.logger.warn(
        { decoder: this.#settings.name, pid: run.child.pid, error: error.message },
        'reading ffmpeg stdout failed',
      ),
    );
    process.stderr?.setEncoding('utf8');
    process.stderr?.on('data', (text: string) => run.stderr.push(text));
    const jpegPipe = run.jpegs ? (process.stdio[JPEG_OUTPUT_FD] as Readable | null) : undefined;
    jpegPipe?.on('data', (chunk: Buffer) => run.jpegs?.splitter.push(chunk));
    // The child's 'close' comes after 'exit' once stderr (and the JPEG pipe) is drained, the reader's once every
    // byte ffmpeg wrote is read: waiting for all three, no trailing frame or line is lost.
    const closed = new Promise<void>((resolve) => process.once('close', () => resolve()));
    const read = new Promise<void>((resolve) => stdout.once('close', () => resolve()));
    const [exit] = await Promise.all([run.child.exited, closed, read]);
    this.#onExit(run, exit, ffmpegPath);
  }

  #onFrameData(run: Run, data: Uint8Array, jpeg?: Buffer): void {
    const receivedAt = this.#noteFrame(run);
    const frame: DecodedFrame = { data, sequence: this.#sequence++, receivedAt, ...(jpeg ? { jpeg } : {}) };
    this.#stats.frames++;
    if (this.#state === 'starting') this.#setState('streaming', 'first frame');
    this.#deliver(frame);
  }

  #onFrameSkipped(run: Run): void {
    this.#noteFrame(run);
    this.#sequence++;
    if (this.#active) this.#stats.framesDropped++;
  }

  /** Stall and health bookkeeping shared by delivered and dropped frames; returns the arrival time. */
  #noteFrame(run: Run): number {
    const now = this.#settings.now();
    run.frames++;
    run.lastFrameAt = now;
    run.firstFrameAt ??= now;
    if (!run.healthy && now - run.firstFrameAt >= this.#settings.healthyAfterMs) {
      run.healthy = true;
      this.#backoff.reset();
    }
    return now;
  }

  #deliver(frame: DecodedFrame): void {
    const handler = this.#onFrame;
    if (!handler) return;
    try {
      handler(frame);
    } catch (error) {
      this.#logHandlerError(error);
    }
  }

  #logHandlerError(error: unknown): void {
    if (!this.#handlerErrorLimiter.admit().log) return;
    const message = this.#settings.redact(error instanceof Error ? error.message : String(error));
    this.#settings.logger.error({ decoder: this.#settings.name, error: message }, 'frame handler failed');
  }

  #onStderrLine(run: Run, rawLine: string): void {
    const { redact, logger, name } = this.#settings;
    const line = redact(rawLine);
    if (isRoutineStderr(line)) {
      logger.debug({ decoder: name, pid: run.child.pid }, `ffmpeg: ${line}`);
      return;
    }
    const reason = parseStderrReason(line);
    if (reason !== undefined) {
      run.lastReason = reason;
      this.#lastErrorReason = reason;
    }
    const { log, suppressed } = this.#stderrLimiter.admit();
    this.#logSuppressed(suppressed);
    if (log) logger.warn({ decoder: name, pid: run.child.pid }, `ffmpeg: ${line}`);
  }

  #logSuppressed(count: number): void {
    if (count === 0) return;
    const { logger, name, stderrWindowMs } = this.#settings;
    logger.warn(
      { decoder: name, suppressed: count },
      `suppressed ${count} ffmpeg stderr lines (limit per ${stderrWindowMs} ms)`,
    );
  }

  #onExit(run: Run, exit: ChildExit, ffmpegPath: string): void {
    run.stderr.flush();
    this.#logSuppressed(this.#stderrLimiter.takeSuppressed());
    if (this.#run === run) {
      this.#run = undefined;
      this.#framesCopiedBefore += run.splitter.counts.framesCopied;
      this.#clearStallTimer();
    }
    const requested = !this.#active || run.failure !== undefined;
    const reason = run.failure?.message ?? run.lastReason ?? describeExit(exit);
    const runtimeMs = this.#settings.now() - run.startedAt;
    this.#settings.logger[requested ? 'info' : 'warn'](
      { decoder: this.#settings.name, code: exit.code, signal: exit.signal, frames: run.frames, runtimeMs },
      `ffmpeg exited: ${reason}`,
    );
    this.emit('exit', { ...exit, reason, requested, runtimeMs, frames: run.frames });
    if (!this.#active) return;
    this.#scheduleRestart(
      ffmpegPath,
      reason,
      run.failure ?? new FfmpegExitedError(reason, exit.code, exit.signal),
    );
  }

  #scheduleRestart(ffmpegPath: string, reason: string, error: Error): void {
    const retryInMs = this.#backoff.next();
    this.#setState('backoff', reason, { error, retryInMs });
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined;
      this.#stats.restarts++;
      this.#launching = this.#launch(ffmpegPath, `restart after: ${reason}`);
    }, retryInMs);
  }

  #armStallTimer(run: Run, delayMs = this.#settings.stallTimeoutMs): void {
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = undefined;
      if (this.#run !== run || !this.#active) return;
      const silentMs = this.#settings.now() - run.lastFrameAt;
      const remainingMs = this.#settings.stallTimeoutMs - silentMs;
      // One timer per stall period instead of one per frame: re-arm for whatever is left of the silence.
      if (remainingMs > 0) return this.#armStallTimer(run, remainingMs);
      this.#stall(run, silentMs);
    }, delayMs);
  }

  #clearStallTimer(): void {
    clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
  }

  #stall(run: Run, silentMs: number): void {
    run.failure = new StreamStalledError(silentMs);
    this.#lastErrorReason = run.failure.message;
    this.#setState('stalled', run.failure.message);
    // The exit handler schedules the restart once ffmpeg is gone.
    void run.child.stop(this.#stopOptions());
  }

  #stopOptions(): { quitInput: string; quitGraceMs: number; termGraceMs: number } {
    return {
      quitInput: 'q',
      quitGraceMs: this.#settings.quitGraceMs,
      termGraceMs: this.#settings.termGraceMs,
    };
  }

  #setState(
    state: DecoderState,
    reason: string,
    extra: Pick<DecoderStateChange, 'error' | 'retryInMs'> = {},
  ): void {
    const previous = this.#state;
    if (previous === state && state === 'stopped') return;
    this.#state = state;
    const change: DecoderStateChange = { state, previous, reason, ...extra };
    const level = state === 'backoff' || state === 'stalled' ? 'warn' : 'info';
    this.#settings.logger[level](
      { decoder: this.#settings.name, state, previous, reason, retryInMs: extra.retryInMs },
      `decoder ${state}`,
    );
    this.emit('state', change);
  }
}

function describeExit(exit: ChildExit): string {
  if (exit.signal !== null) return `ffmpeg killed by ${exit.signal}`;
  return exit.code === 0 ? 'end of stream' : `ffmpeg exited with code ${String(exit.code)}`;
}
