import type { ShirikiConfig } from '@shiriki/config';

export type ModelType = 'yolox' | 'yolo_generic' | 'ssd';

/** Everything the runtime needs to load a model and feed it; built from `model` + `detector` config. */
export interface ModelSpec {
  /** Absolute path of the ONNX file. */
  path: string;
  /** Absolute path of the labels file (one label per line, class order). */
  labelsPath: string;
  /** Output decoder (see `adapters/`). */
  type: ModelType;
  /** Model input width and height in pixels. */
  width: number;
  height: number;
  layout: 'nchw' | 'nhwc';
  pixelFormat: 'bgr' | 'rgb';
  dtype: 'float32' | 'uint8';
  /** Float inputs only: pixel values as decoded (0-255) or divided by 255 (0-1). */
  scale: '0-255' | '0-1';
  /** Detections below this score are dropped. */
  scoreThreshold: number;
  /** IoU above which two boxes of one label are duplicates (NMS). */
  nmsIou: number;
  executionProvider: 'cpu' | 'cuda';
  intraOpThreads: number;
  interOpThreads: number;
}

/** The model spec of a parsed config (the config loader has already resolved paths against `assets_dir`). */
export function modelSpecFromConfig(config: ShirikiConfig): ModelSpec {
  const { model, detector } = config;
  return {
    path: model.path,
    labelsPath: model.labels_path,
    type: model.type,
    width: model.width,
    height: model.height,
    layout: model.input_layout,
    pixelFormat: model.input_pixel_format,
    dtype: model.input_dtype,
    scale: model.input_scale,
    scoreThreshold: model.score_threshold,
    nmsIou: model.nms_iou,
    executionProvider: detector.execution_provider,
    intraOpThreads: detector.intra_op_threads,
    interOpThreads: detector.inter_op_threads,
  };
}
