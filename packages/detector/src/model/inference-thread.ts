/**
 * Entry of the inference thread that `InferenceThread` starts: it owns one ONNX Runtime session and runs it
 * on the input buffers the main thread transfers in. onnxruntime-node's `run` executes synchronously on the
 * calling thread, so running it here leaves the main thread free to pull, pre-process and publish frames
 * while the model works.
 */
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { OUTPUT_ADAPTERS } from './adapters/index.js';
import type { OutputDecoder } from './adapters/types.js';
import {
  CANDIDATE_STRIDE,
  type InferenceThreadData,
  type ThreadReply,
  type ThreadRequest,
  type ThreadTensor,
} from './inference-protocol.js';

const port = parentPort;
if (!port) throw new Error('inference-thread.ts runs only as a worker thread');
const { modelPath, sessionOptions } = workerData as InferenceThreadData;

function reply(message: ThreadReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

let session: ort.InferenceSession;
try {
  session = await ort.InferenceSession.create(modelPath, sessionOptions);
} catch (error) {
  reply({ kind: 'load_failed', message: errorMessage(error) });
  port.close();
  process.exit(0);
}

const inputName = session.inputNames[0]!;
let decoder: OutputDecoder | undefined;
/** Grows to the largest candidate count seen; decoding writes here, then one exact-size copy is sent. */
let scratch = new Float32Array(64 * CANDIDATE_STRIDE);
let count = 0;
const collect = (classId: number, score: number, x1: number, y1: number, x2: number, y2: number): void => {
  if ((count + 1) * CANDIDATE_STRIDE > scratch.length) {
    const grown = new Float32Array(scratch.length * 2);
    grown.set(scratch);
    scratch = grown;
  }
  const at = count++ * CANDIDATE_STRIDE;
  scratch[at] = classId;
  scratch[at + 1] = score;
  scratch[at + 2] = x1;
  scratch[at + 3] = y1;
  scratch[at + 4] = x2;
  scratch[at + 5] = y2;
};
// Runs are chained: a run that arrives while another executes waits here instead of interleaving.
let queue: Promise<void> = Promise.resolve();

port.on('message', (request: ThreadRequest) => {
  queue = queue.then(() => handle(request));
});

reply({
  kind: 'ready',
  inputNames: session.inputNames,
  outputNames: session.outputNames,
  inputMetadata: session.inputMetadata,
  outputMetadata: session.outputMetadata,
});

async function handle(request: ThreadRequest): Promise<void> {
  if (request.kind === 'release') {
    await session.release();
    reply({ kind: 'released' });
    port!.close();
    return;
  }
  if (request.kind === 'bind') {
    decoder = OUTPUT_ADAPTERS[request.type].bind(request.outputs, request.context);
    return;
  }
  const { id, input, dims } = request;
  const dtype = input instanceof Float32Array ? 'float32' : 'uint8';
  try {
    const started = performance.now();
    const results = await session.run({ [inputName]: new ort.Tensor(dtype, input, dims) });
    if (request.kind === 'detect') {
      // Decoding here keeps the output tensors (1.2 MB a run for YOLOX-Nano) in this thread: only the
      // candidates cross to the main thread, whose garbage collector then never sees the outputs.
      const modelMs = performance.now() - started;
      if (!decoder) throw new Error('detect before bind');
      count = 0;
      decoder.decode(results, request.minScore, collect);
      const candidates = scratch.slice(0, count * CANDIDATE_STRIDE);
      reply({ kind: 'decoded', id, input, candidates, modelMs }, [
        input.buffer as ArrayBuffer,
        candidates.buffer,
      ]);
      return;
    }
    const outputs: Record<string, ThreadTensor> = {};
    const transfer = new Set<ArrayBuffer>([input.buffer as ArrayBuffer]);
    for (const [name, value] of Object.entries(results)) {
      const data: unknown = value.data;
      outputs[name] = { type: value.type, dims: value.dims, data };
      if (ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer) transfer.add(data.buffer);
    }
    const message: ThreadReply = { kind: 'result', id, input, outputs };
    try {
      reply(message, [...transfer]);
    } catch {
      // An output backed by memory that cannot be detached is copied instead; the input still moves back.
      reply(message, [input.buffer as ArrayBuffer]);
    }
  } catch (error) {
    reply({ kind: 'run_failed', id, input, message: errorMessage(error) }, [input.buffer as ArrayBuffer]);
  }
}
