import { z } from 'zod';
import { fraction, positiveInt } from './common.js';

export const modelSchema = z.strictObject({
  path: z
    .string()
    .min(1)
    .default('models/yolox_nano.onnx')
    .describe('ONNX model file; a relative path resolves against `assets_dir`.'),
  labels_path: z
    .string()
    .min(1)
    .default('models/coco-labels.txt')
    .describe('Labels file, one label per line in class order; relative to `assets_dir`.'),
  type: z
    .enum(['yolox', 'yolo_generic', 'ssd'])
    .default('yolox')
    .describe(
      'Output decoder: yolox (grid + strides, objectness), yolo_generic (YOLOv8/v9/v11: [1, 4 + classes, boxes], no objectness), ssd (TF boxes/classes/scores/count).',
    ),
  width: positiveInt().default(416).describe('Model input width in pixels.'),
  height: positiveInt().default(416).describe('Model input height in pixels.'),
  input_layout: z.enum(['nchw', 'nhwc']).default('nchw').describe('Tensor layout of the model input.'),
  input_pixel_format: z.enum(['bgr', 'rgb']).default('bgr').describe('Channel order the model expects.'),
  input_dtype: z.enum(['float32', 'uint8']).default('float32').describe('Element type of the input tensor.'),
  input_scale: z
    .enum(['0-255', '0-1'])
    .default('0-255')
    .describe('Value range of input pixels: 0-255 as decoded, or divided by 255.'),
  score_threshold: fraction()
    .default(0.4)
    .describe('Detections below this score are discarded by the detector, before label filters.'),
  nms_iou: fraction()
    .default(0.45)
    .describe('IoU above which overlapping boxes of one label are merged (NMS).'),
});

export type ModelConfig = z.output<typeof modelSchema>;
