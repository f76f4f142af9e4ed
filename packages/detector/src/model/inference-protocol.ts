import type { InferenceSession } from 'onnxruntime-node';
import type { AdapterContext, OutputInfo } from './adapters/types.js';
import type { ModelType } from './spec.js';

/** What the inference thread is started with (`workerData`). */
export interface InferenceThreadData {
  modelPath: string;
  sessionOptions: InferenceSession.SessionOptions;
}

/** An output tensor as it crosses the thread boundary: its data buffer is transferred, not copied. */
export interface ThreadTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

/** Values per decoded candidate in a `decoded` reply: class id, score, x1, y1, x2, y2 (model input pixels). */
export const CANDIDATE_STRIDE = 6;

/** Main thread to inference thread. */
export type ThreadRequest =
  | { kind: 'run'; id: number; input: Float32Array | Uint8Array; dims: readonly number[] }
  /** Binds the thread's output decoder to output shapes the main thread has already validated. */
  | { kind: 'bind'; type: ModelType; outputs: readonly OutputInfo[]; context: AdapterContext }
  /** Runs and decodes in the thread; only candidates at or above `minScore` come back. */
  | {
      kind: 'detect';
      id: number;
      input: Float32Array | Uint8Array;
      dims: readonly number[];
      minScore: number;
    }
  | { kind: 'release' };

/** Inference thread to main thread. `input` always comes back, so the caller can reuse its buffer. */
export type ThreadReply =
  | {
      kind: 'ready';
      inputNames: readonly string[];
      outputNames: readonly string[];
      inputMetadata: readonly InferenceSession.ValueMetadata[];
      outputMetadata: readonly InferenceSession.ValueMetadata[];
    }
  | { kind: 'load_failed'; message: string }
  | { kind: 'result'; id: number; input: Float32Array | Uint8Array; outputs: Record<string, ThreadTensor> }
  /** `candidates` holds {@link CANDIDATE_STRIDE} values per candidate; `modelMs` is the time in `session.run`. */
  | {
      kind: 'decoded';
      id: number;
      input: Float32Array | Uint8Array;
      candidates: Float32Array;
      modelMs: number;
    }
  | { kind: 'run_failed'; id: number; input: Float32Array | Uint8Array; message: string }
  | { kind: 'released' };
