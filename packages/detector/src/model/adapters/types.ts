import type { ModelType } from '../spec.js';

/** Name, element type and concrete dims of one model output. */
export interface OutputInfo {
  readonly name: string;
  readonly type: string;
  readonly dims: readonly number[];
}

/** What an adapter knows about the model besides its outputs. */
export interface AdapterContext {
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Number of labels in the labels file. */
  readonly classCount: number;
}

/** Numeric output data as onnxruntime returns it. */
export type OutputData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/**
 * Receives one decoded box in model input pixels (x1, y1, x2, y2). A callback rather than returned objects,
 * so decoding allocates nothing for the thousands of rows below the threshold.
 */
export type CandidateSink = (
  classId: number,
  score: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
) => void;

/** Decodes the outputs of one run; bound to output shapes checked at load time. */
export interface OutputDecoder {
  decode(
    outputs: Readonly<Record<string, { readonly data: unknown }>>,
    minScore: number,
    emit: CandidateSink,
  ): void;
}

/**
 * One model family's output format. `bind` checks the output shapes against the context and throws
 * `OutputShapeError` with a message saying what mismatched; adding a family is one new file plus one registry line.
 */
export interface OutputAdapter {
  readonly type: ModelType;
  bind(outputs: readonly OutputInfo[], context: AdapterContext): OutputDecoder;
}

export function formatDims(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}

/** The output's data as a numeric array, or an error naming the output. */
export function numericData(
  outputs: Readonly<Record<string, { readonly data: unknown }>>,
  name: string,
): ArrayLike<number> {
  const data = outputs[name]?.data;
  if (
    data instanceof Float32Array ||
    data instanceof Float64Array ||
    data instanceof Int32Array ||
    data instanceof Uint8Array
  ) {
    return data;
  }
  if (data instanceof BigInt64Array) return Float64Array.from(data, (v) => Number(v));
  throw new Error(`model output ${name} is missing or not numeric`);
}
