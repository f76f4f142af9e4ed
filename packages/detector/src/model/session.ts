import type { InferenceSession } from 'onnxruntime-node';
import type { ModelSpec } from './spec.js';

/** Session options for a spec; the benchmark's bare loop uses the same ones. */
export function sessionOptionsFor(
  spec: Pick<ModelSpec, 'executionProvider' | 'intraOpThreads' | 'interOpThreads'>,
): InferenceSession.SessionOptions {
  return {
    executionProviders: [spec.executionProvider],
    intraOpNumThreads: spec.intraOpThreads,
    interOpNumThreads: spec.interOpThreads,
    // Inter-op threads only run in parallel mode; one thread means sequential.
    executionMode: spec.interOpThreads > 1 ? 'parallel' : 'sequential',
    graphOptimizationLevel: 'all',
  };
}
