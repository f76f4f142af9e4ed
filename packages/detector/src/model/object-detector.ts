import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Detection } from '@shiriki/bus';
import type { InferenceSession } from 'onnxruntime-node';
import { OUTPUT_ADAPTERS } from './adapters/index.js';
import type { CandidateSink, OutputDecoder, OutputInfo } from './adapters/types.js';
import { formatDims } from './adapters/types.js';
import { ModelLoadError, OutputShapeError } from './errors.js';
import { CANDIDATE_STRIDE } from './inference-protocol.js';
import { InferenceThread } from './inference-thread-client.js';
import { readLabels } from './labels.js';
import { nonMaxSuppression } from './nms.js';
import { Preprocessor } from './preprocess.js';
import { fullFrameRegion, motionRegions, type Region } from './regions.js';
import { sessionOptionsFor } from './session.js';
import type { ModelSpec } from './spec.js';
import type { DetectFrame } from './detect-frame.js';

export interface DetectOptions {
  /** `motion_regions` (default): crops around motion; `full_frame`: one pass over the whole frame. */
  regionMode?: 'motion_regions' | 'full_frame';
  /** Keep only these labels. */
  labels?: ReadonlySet<string>;
}

/** Time spent in each stage of one `detect` call, summed over regions. */
export interface DetectStages {
  preprocessMs: number;
  /** Time in `session.run` on the inference thread; waiting for the thread is in neither stage. */
  runMs: number;
  /** Mapping candidates to frame pixels and NMS (decoding the outputs happens on the inference thread). */
  postprocessMs: number;
}

export interface DetectResult {
  /** Highest score first; boxes in frame pixels. */
  detections: Detection[];
  /** Wall time of the whole call: pre-processing, model runs and post-processing. */
  inferenceMs: number;
  /** How many regions went through the model. */
  regionCount: number;
  stages?: DetectStages;
}

/** The frame handed to `detect` does not match its declared format. */
export class InvalidFrameError extends Error {
  override readonly name = 'InvalidFrameError';
}

/** The detector was closed. */
export class DetectorClosedError extends Error {
  override readonly name = 'DetectorClosedError';
  constructor() {
    super('The object detector is closed.');
  }
}

interface Candidate {
  label_id: number;
  score: number;
  box: [number, number, number, number];
}

/**
 * Input tensors per detector: one the model reads while the caller letterboxes the next frame into the other.
 * More would only queue frames in front of the model.
 */
const INPUT_TENSORS = 2;

/**
 * One ONNX model ready to detect objects in yuv420p or rgba frames. The model runs on its own thread
 * ({@link InferenceThread}), so pre-processing, decoding and whatever the caller does between frames overlap
 * with inference: two `detect` calls may be in flight, one in the model and one being pre-processed; further
 * calls wait for a free input tensor. Model runs execute one at a time, in call order.
 */
export class ObjectDetector {
  readonly modelName: string;
  /** Input tensors not in the model right now. */
  private readonly freeInputs: (Float32Array | Uint8Array)[] = [];
  /** Calls waiting for a free input tensor, first come first served. */
  private readonly inputWaiters: ((input: Float32Array | Uint8Array) => void)[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    readonly spec: ModelSpec,
    readonly labels: readonly string[],
    private readonly thread: InferenceThread,
    private readonly preprocessor: Preprocessor,
    /** The tensor of the warm-up run, reused as the first of the pool. */
    warmUpInput: Float32Array | Uint8Array,
  ) {
    this.modelName = basename(spec.path, extname(spec.path));
    this.freeInputs.push(warmUpInput);
    while (this.freeInputs.length < INPUT_TENSORS) this.freeInputs.push(preprocessor.allocate());
  }

  /** Loads and checks the model; every failure is a `ModelLoadError` naming the file and the problem. */
  static async load(spec: ModelSpec): Promise<ObjectDetector> {
    const { path } = spec;
    try {
      if (!(await stat(path)).isFile()) throw new Error('not a file');
    } catch (cause) {
      throw new ModelLoadError(
        path,
        'missing_file',
        'the model file does not exist or is not a regular file',
        { cause },
      );
    }
    const labels = await readLabels(spec.labelsPath);
    let thread: InferenceThread;
    try {
      thread = await InferenceThread.start(path, sessionOptionsFor(spec));
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new ModelLoadError(
        path,
        'invalid_model',
        `onnxruntime cannot load it as an ONNX model (${detail})`,
        { cause },
      );
    }
    try {
      checkInput(spec, thread);
      const preprocessor = new Preprocessor(spec);
      const adapter = OUTPUT_ADAPTERS[spec.type];
      const context = { inputWidth: spec.width, inputHeight: spec.height, classCount: labels.length };
      let outputs = staticOutputs(thread);
      // Validate what the metadata tells; one run on a zero tensor resolves dynamic dims (and warms up).
      if (outputs) bind(adapter.bind.bind(adapter), outputs, context, path);
      let warmUp: Awaited<ReturnType<InferenceThread['run']>>;
      try {
        warmUp = await thread.run(preprocessor.allocate(), preprocessor.dims);
      } catch (cause) {
        const detail = cause instanceof Error ? cause.message : String(cause);
        throw new ModelLoadError(
          path,
          'shape_mismatch',
          `a test run with input ${formatDims(preprocessor.dims)} failed (${detail})`,
          { cause },
        );
      }
      outputs = thread.outputNames.map((name) => {
        const value = warmUp.outputs[name];
        return { name, type: value?.type ?? 'unknown', dims: (value?.dims ?? []).map(Number) };
      });
      bind(adapter.bind.bind(adapter), outputs, context, path);
      thread.bind(spec.type, outputs, context);
      return new ObjectDetector(spec, labels, thread, preprocessor, warmUp.input);
    } catch (error) {
      await thread.release().catch(() => undefined);
      throw error;
    }
  }

  /** Runs the model on the frame (whole, or around motion) and returns boxes in frame pixels. */
  detect(frame: DetectFrame, options: DetectOptions = {}): Promise<DetectResult> {
    const call = this.detectNow(frame, options);
    this.inFlight.add(call);
    const forget = (): void => void this.inFlight.delete(call);
    call.then(forget, forget);
    return call;
  }

  /** Settles if the inference thread dies before {@link close}; every later `detect` fails. */
  get failed(): Promise<Error> {
    return this.thread.failed;
  }

  /** Waits for running detections, then frees the session and ends its thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await this.thread.release();
  }

  private takeInput(): Promise<Float32Array | Uint8Array> | Float32Array | Uint8Array {
    return this.freeInputs.pop() ?? new Promise((resolve) => this.inputWaiters.push(resolve));
  }

  private giveBack(input: Float32Array | Uint8Array): void {
    const waiter = this.inputWaiters.shift();
    if (waiter) waiter(input);
    else this.freeInputs.push(input);
  }

  private async detectNow(frame: DetectFrame, options: DetectOptions): Promise<DetectResult> {
    if (this.closed) throw new DetectorClosedError();
    checkFrame(frame);
    const started = performance.now();
    const regions =
      options.regionMode === 'full_frame' || frame.motionBoxes.length === 0
        ? [fullFrameRegion(frame.width, frame.height)]
        : motionRegions(frame.width, frame.height, frame.motionBoxes, {
            minSize: Math.max(this.spec.width, this.spec.height),
          });
    const stages: DetectStages = { preprocessMs: 0, runMs: 0, postprocessMs: 0 };
    const collector = new CandidateCollector(this.labels, options.labels);
    for (const region of regions) {
      let input = await this.takeInput();
      let candidates: Float32Array;
      const t0 = performance.now();
      try {
        collector.region = region;
        collector.scale = this.preprocessor.letterbox(frame, region, input);
        stages.preprocessMs += performance.now() - t0;
        const ran = await this.thread.detect(input, this.preprocessor.dims, this.spec.scoreThreshold);
        input = ran.input;
        candidates = ran.candidates;
        stages.runMs += ran.modelMs;
      } finally {
        // A failed run loses its buffer to the thread; a fresh one keeps the pool whole.
        this.giveBack(input.length > 0 ? input : this.preprocessor.allocate());
      }
      const t2 = performance.now();
      collector.addAll(candidates);
      stages.postprocessMs += performance.now() - t2;
    }
    const t3 = performance.now();
    const candidates = collector.candidates;
    const kept =
      regions.length === 1 && candidates.length <= 1
        ? candidates
        : nonMaxSuppression(candidates, this.spec.nmsIou);
    const detections: Detection[] = kept.map((c) => ({
      label: this.labels[c.label_id]!,
      label_id: c.label_id,
      score: c.score,
      box: c.box,
    }));
    const finished = performance.now();
    stages.postprocessMs += finished - t3;
    return { detections, inferenceMs: finished - started, regionCount: regions.length, stages };
  }
}

/**
 * The candidates of one `detect` call, mapped from model pixels of the region being decoded to frame pixels.
 * Two overlapping calls never share one.
 */
class CandidateCollector {
  readonly candidates: Candidate[] = [];
  /** The region being decoded and its letterbox scale, set before each model run's outputs are decoded. */
  region: Region = fullFrameRegion(1, 1);
  scale = 1;

  constructor(
    private readonly labels: readonly string[],
    private readonly labelFilter: ReadonlySet<string> | undefined,
  ) {}

  /** Adds candidates as the inference thread packs them (`CANDIDATE_STRIDE` values each). */
  addAll(packed: Float32Array): void {
    for (let i = 0; i + CANDIDATE_STRIDE <= packed.length; i += CANDIDATE_STRIDE) {
      this.sink(packed[i]!, packed[i + 1]!, packed[i + 2]!, packed[i + 3]!, packed[i + 4]!, packed[i + 5]!);
    }
  }

  /** Maps a decoded box from model pixels to frame pixels (clamped to its region) and keeps it. */
  readonly sink: CandidateSink = (classId, score, x1, y1, x2, y2) => {
    if (this.labelFilter && !this.labelFilter.has(this.labels[classId]!)) return;
    const { x, y, width, height } = this.region;
    const s = this.scale;
    const fx1 = clamp(x + x1 / s, x, x + width);
    const fy1 = clamp(y + y1 / s, y, y + height);
    const fx2 = clamp(x + x2 / s, x, x + width);
    const fy2 = clamp(y + y2 / s, y, y + height);
    if (fx2 <= fx1 || fy2 <= fy1) return;
    this.candidates.push({ label_id: classId, score, box: [fx1, fy1, fx2, fy2] });
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function checkFrame(frame: DetectFrame): void {
  const { width, height, payload } = frame;
  if (frame.pixelFormat === 'rgba') {
    if (width <= 0 || height <= 0 || payload.length !== width * height * 4) {
      throw new InvalidFrameError(
        `A ${width}x${height} rgba frame has ${width * height * 4} bytes, got ${payload.length}`,
      );
    }
    return;
  }
  if (frame.pixelFormat !== 'yuv420p')
    throw new InvalidFrameError(`Unsupported pixel format ${String(frame.pixelFormat)}`);
  if (width % 2 !== 0 || height % 2 !== 0 || width <= 0 || height <= 0) {
    throw new InvalidFrameError(`yuv420p needs even positive dimensions, got ${width}x${height}`);
  }
  if (payload.length !== (width * height * 3) / 2) {
    throw new InvalidFrameError(
      `A ${width}x${height} yuv420p frame has ${(width * height * 3) / 2} bytes, got ${payload.length}`,
    );
  }
}

/** What the load checks read of a session: its names and value metadata. */
type SessionMetadata = Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>;

function checkInput(spec: ModelSpec, session: SessionMetadata): void {
  const inputs = session.inputMetadata;
  const input = inputs[0];
  if (inputs.length !== 1 || !input) {
    throw new ModelLoadError(
      spec.path,
      'shape_mismatch',
      `the model has ${inputs.length} inputs, the detector feeds exactly one image`,
    );
  }
  if (!input.isTensor)
    throw new ModelLoadError(spec.path, 'shape_mismatch', `input ${input.name} is not a tensor`);
  if (input.type !== spec.dtype) {
    throw new ModelLoadError(
      spec.path,
      'shape_mismatch',
      `input ${input.name} is ${input.type} but model.input_dtype is ${spec.dtype}`,
    );
  }
  const expected = spec.layout === 'nchw' ? [1, 3, spec.height, spec.width] : [1, spec.height, spec.width, 3];
  const shape = input.shape;
  const fits = (want: readonly number[]): boolean =>
    shape.length === 4 &&
    want.every((w, i) => typeof shape[i] !== 'number' || shape[i] === w || shape[i] === -1);
  if (!fits(expected)) {
    const other = spec.layout === 'nchw' ? [1, spec.height, spec.width, 3] : [1, 3, spec.height, spec.width];
    const hint = fits(other)
      ? ` (the model looks ${spec.layout === 'nchw' ? 'nhwc' : 'nchw'}: set model.input_layout)`
      : '';
    throw new ModelLoadError(
      spec.path,
      'shape_mismatch',
      `input ${input.name} is [${shape.join(', ')}] but the config (${spec.width}x${spec.height}, ${spec.layout}) ` +
        `needs ${formatDims(expected)}${hint}`,
    );
  }
}

/** Output shapes from the metadata when every dim is known, else undefined. */
function staticOutputs(session: SessionMetadata): OutputInfo[] | undefined {
  const outputs: OutputInfo[] = [];
  for (const meta of session.outputMetadata) {
    if (!meta.isTensor || !meta.shape.every((d) => typeof d === 'number' && d >= 0)) return undefined;
    outputs.push({ name: meta.name, type: meta.type, dims: meta.shape as number[] });
  }
  return outputs;
}

function bind(
  adapterBind: (
    outputs: readonly OutputInfo[],
    context: { inputWidth: number; inputHeight: number; classCount: number },
  ) => OutputDecoder,
  outputs: readonly OutputInfo[],
  context: { inputWidth: number; inputHeight: number; classCount: number },
  path: string,
): OutputDecoder {
  try {
    return adapterBind(outputs, context);
  } catch (error) {
    if (error instanceof OutputShapeError)
      throw new ModelLoadError(path, error.reason, error.message, { cause: error });
    throw error;
  }
}
