export type ModelLoadFailure = 'missing_file' | 'invalid_model' | 'shape_mismatch' | 'labels';

/** `ObjectDetector.load` failed; the message names the file and what is wrong with it. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
  constructor(
    readonly path: string,
    readonly reason: ModelLoadFailure,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot load model ${path}: ${detail}`, options);
  }
}

/** Thrown by an output adapter when the model's outputs do not fit its type; `load` turns it into a ModelLoadError. */
export class OutputShapeError extends Error {
  override readonly name = 'OutputShapeError';
  constructor(
    message: string,
    /** `labels` when only the class count disagrees with the labels file. */
    readonly reason: 'shape_mismatch' | 'labels' = 'shape_mismatch',
  ) {
    super(message);
  }
}
