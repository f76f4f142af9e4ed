import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ObjectDetector, type DetectFrame, type ModelSpec } from '../src/index.js';
import { constantOutputModel, type ConstantOutput } from './onnx-builder.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shiriki-detector-'));
  await writeFile(join(dir, 'labels3.txt'), 'person\ncar\ntraffic light\n');
});
after(() => rm(dir, { recursive: true, force: true }));

function grey(width: number, height: number, motionBoxes: DetectFrame['motionBoxes'] = []): DetectFrame {
  return {
    width,
    height,
    pixelFormat: 'yuv420p',
    payload: new Uint8Array((width * height * 3) / 2).fill(128),
    motionBoxes,
  };
}

async function writeModel(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

function spec(path: string, overrides: Partial<ModelSpec> = {}): ModelSpec {
  return {
    path,
    labelsPath: join(dir, 'labels3.txt'),
    type: 'yolo_generic',
    width: 320,
    height: 320,
    layout: 'nchw',
    pixelFormat: 'bgr',
    dtype: 'float32',
    scale: '0-1',
    scoreThreshold: 0.4,
    nmsIou: 0.45,
    executionProvider: 'cpu',
    intraOpThreads: 1,
    interOpThreads: 1,
    ...overrides,
  };
}

/** Boxes in model pixels (cx, cy, w, h) with one score per class. */
const YOLO_BOXES: readonly {
  cx: number;
  cy: number;
  w: number;
  h: number;
  scores: [number, number, number];
}[] = [
  { cx: 100, cy: 60, w: 40, h: 20, scores: [0.9, 0.1, 0] }, // person
  { cx: 200, cy: 150, w: 60, h: 80, scores: [0, 0.05, 0.75] }, // traffic light
  { cx: 102, cy: 61, w: 40, h: 20, scores: [0.7, 0, 0] }, // duplicate of the person: NMS drops it
  { cx: 250, cy: 250, w: 10, h: 10, scores: [0.2, 0.3, 0.1] }, // below the threshold
];

function yoloOutput(transposed: boolean): ConstantOutput {
  const rows = YOLO_BOXES.map((b) => [b.cx, b.cy, b.w, b.h, ...b.scores]);
  const n = rows.length;
  const channels = 7;
  const values = transposed
    ? rows.flat()
    : Array.from({ length: channels * n }, (_, i) => rows[i % n]![Math.floor(i / n)]!);
  return { name: 'output0', dims: transposed ? [1, n, channels] : [1, channels, n], values };
}

// Frame 640x480 into 320x320: scale 0.5, content 320x240 at the top-left, so frame = model * 2.
const EXPECTED_YOLO = [
  { label: 'person', label_id: 0, score: 0.9, box: [160, 100, 240, 140] },
  { label: 'traffic light', label_id: 2, score: 0.75, box: [340, 220, 460, 380] },
];

for (const transposed of [false, true]) {
  test(`yolo_generic ${transposed ? '[1, N, 4 + C]' : '[1, 4 + C, N]'}: boxes map back through the letterbox, NMS drops the duplicate`, async () => {
    const path = await writeModel(
      `yolo-${transposed}.onnx`,
      constantOutputModel({ inputShape: [1, 3, 320, 320], outputs: [yoloOutput(transposed)] }),
    );
    const detector = await ObjectDetector.load(spec(path));
    try {
      const result = await detector.detect(grey(640, 480), { regionMode: 'full_frame' });
      assert.equal(result.regionCount, 1);
      assert.deepEqual(
        result.detections.map((d) => ({ ...d, score: Math.round(d.score * 1e6) / 1e6 })),
        EXPECTED_YOLO,
      );
      const filtered = await detector.detect(grey(640, 480), { labels: new Set(['traffic light']) });
      assert.deepEqual(
        filtered.detections.map((d) => d.label),
        ['traffic light'],
      );
    } finally {
      await detector.close();
    }
  });
}

test('yolo_generic with symbolic input dims is validated by a warm-up run', async () => {
  const path = await writeModel(
    'yolo-dynamic.onnx',
    constantOutputModel({ inputShape: ['batch', 3, 'height', 'width'], outputs: [yoloOutput(false)] }),
  );
  const detector = await ObjectDetector.load(spec(path));
  await detector.close();
});

test('motion regions: boxes from a crop map back to frame pixels', async () => {
  const path = await writeModel(
    'yolo-region.onnx',
    constantOutputModel({ inputShape: [1, 3, 320, 320], outputs: [yoloOutput(false)] }),
  );
  const detector = await ObjectDetector.load(spec(path));
  try {
    // A 20x20 motion box centred at (1000, 500) of a 1280x720 frame gets the 320x320 region at (840, 340):
    // scale 1, so frame = model + region origin.
    const result = await detector.detect(grey(1280, 720, [[990, 490, 1010, 510]]), {
      regionMode: 'motion_regions',
    });
    assert.equal(result.regionCount, 1);
    assert.deepEqual(
      result.detections.map((d) => d.box),
      [
        [920, 390, 960, 410],
        [1010, 450, 1070, 530],
      ],
    );
    // Two far-apart motion boxes: two regions, each finds its own copy; the copies do not overlap.
    const two = await detector.detect(
      grey(1280, 720, [
        [10, 10, 20, 20],
        [990, 490, 1010, 510],
      ]),
    );
    assert.equal(two.regionCount, 2);
    assert.equal(two.detections.length, 4);
  } finally {
    await detector.close();
  }
});

test('ssd (uint8 NHWC, TF output names): normalised yxyx boxes, count limits the rows', async () => {
  const path = await writeModel(
    'ssd.onnx',
    constantOutputModel({
      inputShape: [1, 300, 300, 3],
      inputType: 'uint8',
      outputs: [
        {
          name: 'detection_boxes',
          dims: [1, 3, 4],
          values: [0.125, 0.25, 0.375, 0.5, 0.125, 0.25, 0.375, 0.5, 0, 0, 0.5, 0.5],
        },
        { name: 'detection_classes', dims: [1, 3], values: [1, 1, 0] },
        { name: 'detection_scores', dims: [1, 3], values: [0.875, 0.625, 0.99] },
        { name: 'num_detections', dims: [1], values: [2] },
      ],
    }),
  );
  const detector = await ObjectDetector.load(
    spec(path, { type: 'ssd', width: 300, height: 300, layout: 'nhwc', dtype: 'uint8', pixelFormat: 'rgb' }),
  );
  try {
    // 600x300 into 300x300: scale 0.5. Row 2 duplicates row 1 (NMS), row 3 is past the count.
    const result = await detector.detect(grey(600, 300), { regionMode: 'full_frame' });
    assert.deepEqual(result.detections, [
      { label: 'car', label_id: 1, score: 0.875, box: [150, 75, 300, 225] },
    ]);
  } finally {
    await detector.close();
  }
});

test('ssd outputs without telling names are told apart by shape (TFLite order)', async () => {
  const path = await writeModel(
    'ssd-anon.onnx',
    constantOutputModel({
      inputShape: [1, 3, 320, 320],
      outputs: [
        { name: 'out0', dims: [1, 1, 4], values: [0, 0, 0.5, 0.25] },
        { name: 'out1', dims: [1, 1], values: [2] },
        { name: 'out2', dims: [1, 1], values: [0.5] },
        { name: 'out3', dims: [1], values: [1] },
      ],
    }),
  );
  const detector = await ObjectDetector.load(spec(path, { type: 'ssd' }));
  try {
    const result = await detector.detect(grey(640, 640), { regionMode: 'full_frame' });
    assert.deepEqual(result.detections, [
      { label: 'traffic light', label_id: 2, score: 0.5, box: [0, 0, 160, 320] },
    ]);
  } finally {
    await detector.close();
  }
});
