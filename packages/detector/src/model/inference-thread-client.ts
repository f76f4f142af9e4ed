import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';
import type { AdapterContext, OutputInfo } from './adapters/types.js';
import type { InferenceThreadData, ThreadReply, ThreadRequest, ThreadTensor } from './inference-protocol.js';
import type { ModelType } from './spec.js';

/** Why an {@link InferenceThread} call failed. */
export type InferenceThreadFailure = 'load_failed' | 'run_failed' | 'thread_exited' | 'released';

export class InferenceThreadError extends Error {
  override readonly name = 'InferenceThreadError';
  constructor(
    readonly reason: InferenceThreadFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface InferenceRunResult<Input extends Float32Array | Uint8Array> {
  outputs: Record<string, ThreadTensor>;
  /** The input array handed back (its buffer was transferred to the thread and back), ready for reuse. */
  input: Input;
}

export interface InferenceDetectResult<Input extends Float32Array | Uint8Array> {
  /** `CANDIDATE_STRIDE` values per candidate: class id, score, x1, y1, x2, y2 in model input pixels. */
  candidates: Float32Array;
  /** Time the thread spent in `session.run`, without queueing or decoding. */
  modelMs: number;
  input: Input;
}

interface PendingRun {
  resolve: (reply: Extract<ThreadReply, { kind: 'result' | 'decoded' }>) => void;
  reject: (error: Error) => void;
}

/**
 * One ONNX Runtime session on its own thread. Inputs are transferred to the thread and back (zero copy), so
 * a caller that owns two input buffers can fill one while the model reads the other. Runs execute one at a
 * time in the order they were submitted. The thread holds the process open only while runs are pending.
 */
export class InferenceThread {
  private readonly pending = new Map<number, PendingRun>();
  private nextId = 0;
  private failure: InferenceThreadError | undefined;
  private released: Promise<void> | undefined;
  private onReleased: (() => void) | undefined;
  private reportFailure!: (error: InferenceThreadError) => void;
  /**
   * Settles when the thread dies without having been released (a crash, or an exit of its own). Every
   * later run fails, so a service should treat it as fatal and restart.
   */
  readonly failed = new Promise<InferenceThreadError>((resolve) => (this.reportFailure = resolve));

  private constructor(
    private readonly worker: Worker,
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
    readonly inputMetadata: readonly InferenceSession.ValueMetadata[],
    readonly outputMetadata: readonly InferenceSession.ValueMetadata[],
  ) {
    worker.on('message', (reply: ThreadReply) => this.onReply(reply));
    worker.on('error', (error) =>
      this.fail(
        new InferenceThreadError('thread_exited', `the inference thread failed: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    worker.on('exit', (code) => {
      this.fail(new InferenceThreadError('thread_exited', `the inference thread exited with code ${code}`));
      this.onReleased?.();
    });
    worker.unref();
  }

  /** Starts the thread and loads the model in it; rejects with `load_failed` when ONNX Runtime cannot. */
  static async start(
    modelPath: string,
    sessionOptions: InferenceSession.SessionOptions,
  ): Promise<InferenceThread> {
    const worker = startWorker({ modelPath, sessionOptions });
    const ready = await new Promise<Extract<ThreadReply, { kind: 'ready' }>>((resolve, reject) => {
      const onMessage = (reply: ThreadReply): void => {
        cleanup();
        if (reply.kind === 'ready') resolve(reply);
        else if (reply.kind === 'load_failed') reject(new InferenceThreadError('load_failed', reply.message));
        else
          reject(new InferenceThreadError('load_failed', `unexpected ${reply.kind} before the model loaded`));
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(
          new InferenceThreadError('load_failed', `the inference thread failed: ${error.message}`, {
            cause: error,
          }),
        );
      };
      const onExit = (code: number): void => {
        cleanup();
        reject(
          new InferenceThreadError(
            'load_failed',
            `the inference thread exited with code ${code} while loading`,
          ),
        );
      };
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    return new InferenceThread(
      worker,
      ready.inputNames,
      ready.outputNames,
      ready.inputMetadata,
      ready.outputMetadata,
    );
  }

  /**
   * Runs the model on `input` (shape `dims`). The array's whole buffer is transferred: the caller must not
   * touch it until the promise settles, and then uses the returned `input` instead.
   */
  async run<Input extends Float32Array | Uint8Array>(
    input: Input,
    dims: readonly number[],
  ): Promise<InferenceRunResult<Input>> {
    const reply = await this.submit((id) => ({ kind: 'run', id, input, dims }), input);
    if (reply.kind !== 'result')
      throw new InferenceThreadError('run_failed', `unexpected ${reply.kind} reply`);
    return { outputs: reply.outputs, input: reply.input as Input };
  }

  /**
   * Binds the thread's output decoder (`OUTPUT_ADAPTERS[type]`) to output shapes the caller has validated
   * with the same adapter; {@link detect} needs it.
   */
  bind(type: ModelType, outputs: readonly OutputInfo[], context: AdapterContext): void {
    this.worker.postMessage({ kind: 'bind', type, outputs, context } satisfies ThreadRequest);
  }

  /** Like {@link run}, but the thread decodes the outputs and returns only candidates scoring `minScore` or more. */
  async detect<Input extends Float32Array | Uint8Array>(
    input: Input,
    dims: readonly number[],
    minScore: number,
  ): Promise<InferenceDetectResult<Input>> {
    const reply = await this.submit((id) => ({ kind: 'detect', id, input, dims, minScore }), input);
    if (reply.kind !== 'decoded')
      throw new InferenceThreadError('run_failed', `unexpected ${reply.kind} reply`);
    return { candidates: reply.candidates, modelMs: reply.modelMs, input: reply.input as Input };
  }

  private submit(
    request: (id: number) => ThreadRequest,
    input: Float32Array | Uint8Array,
  ): Promise<Extract<ThreadReply, { kind: 'result' | 'decoded' }>> {
    if (this.released)
      return Promise.reject(new InferenceThreadError('released', 'the inference thread was released'));
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(request(id), [input.buffer as ArrayBuffer]);
    });
  }

  /** Waits for submitted runs, frees the session and ends the thread. Safe to call twice. */
  release(): Promise<void> {
    this.released ??= new Promise<void>((resolve) => {
      if (this.failure) return resolve();
      this.onReleased = resolve;
      this.worker.ref();
      this.worker.postMessage({ kind: 'release' } satisfies ThreadRequest);
    });
    return this.released;
  }

  private onReply(reply: ThreadReply): void {
    if (reply.kind === 'released') {
      this.onReleased?.();
      return;
    }
    if (reply.kind !== 'result' && reply.kind !== 'decoded' && reply.kind !== 'run_failed') return;
    const run = this.pending.get(reply.id);
    if (!run) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0 && !this.released) this.worker.unref();
    if (reply.kind === 'run_failed') run.reject(new InferenceThreadError('run_failed', reply.message));
    else run.resolve(reply);
  }

  private fail(error: InferenceThreadError): void {
    if (!this.failure && !this.released) this.reportFailure(error);
    this.failure ??= error;
    for (const run of this.pending.values()) run.reject(error);
    this.pending.clear();
  }
}

/**
 * Under tsx (tests, benchmarks) this module is TypeScript and Node 20 does not hand tsx's `--import` hooks to
 * worker threads, so the thread registers tsx itself before it imports its entry.
 */
function startWorker(data: InferenceThreadData): Worker {
  const source = import.meta.url.endsWith('.ts');
  const entry = new URL(`./inference-thread.${source ? 'ts' : 'js'}`, import.meta.url);
  if (!source) return new Worker(entry, { workerData: data });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: data });
}
