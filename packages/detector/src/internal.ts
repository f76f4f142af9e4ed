// Internals for benchmarks that measure the runtime against a bare onnxruntime session; not a stable API.
export { Preprocessor, PAD_VALUE } from './model/preprocess.js';
export type { InputFormat } from './model/preprocess.js';
export { sessionOptionsFor } from './model/session.js';
