import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJson, encodeJson } from './json-codec.js';
import { DecodeError, EncodeError } from './errors.js';
import {
  AlertSchema,
  CameraStatusSchema,
  ClipReadySchema,
  DetectionsSchema,
  MotionAlertSchema,
  ObjectEventSchema,
  alertSubjectKind,
  type Alert,
  type CameraStatus,
  type ClipReady,
  type Detections,
  type MotionAlert,
  type ObjectEvent,
} from './messages/index.js';

const motion: MotionAlert = {
  type: 'motion',
  camera: 'front',
  state: 'ended',
  started_at: 1_700_000_000_000,
  ended_at: 1_700_000_004_000,
  boxes: [[0, 0, 64, 48]],
  area: 0.02,
  peak_area: 0.1,
  producer: 'ingest-1',
  sequence: 120,
};
const detections: Detections = {
  camera: 'front',
  sequence: 7,
  capture_time: 1_700_000_000_000,
  width: 1280,
  height: 720,
  detections: [{ label: 'traffic light', label_id: 9, score: 0.61, box: [10.5, 20, 40, 90.25] }],
  model: 'yolov8n',
  worker: 'det-1',
  inference_ms: 8.1,
  region_count: 2,
};
const event: ObjectEvent = {
  type: 'end',
  id: '1700000000.123-abc',
  camera: 'front',
  label: 'person',
  score: 0.8,
  top_score: 0.93,
  box: [100, 100, 200, 400],
  zones: [],
  entered_zones: ['driveway'],
  start_time: 1_700_000_000_000,
  end_time: 1_700_000_030_000,
  stationary: false,
  snapshot: { key: 'snapshots/front/x.jpg', frame_sequence: 44, score: 0.93 },
};
const alert: Alert = {
  kind: 'object',
  camera: 'front',
  label: 'person',
  event_id: event.id,
  zones: ['driveway'],
  time: 1_700_000_001_000,
};
const clip: ClipReady = {
  event_id: event.id,
  camera: 'front',
  keys: { clip: 'clips/x.mp4', metadata: 'clips/x.json' },
  start: 1_700_000_000_000,
  end: 1_700_000_030_000,
  duration_s: 30,
  partial: true,
  reason: 'stream gap',
};
const status: CameraStatus = {
  camera: 'front',
  state: 'streaming',
  owner: 'ingest-1',
  since: 1_700_000_000_000,
  fps_in: 5,
  frames_published: 1000,
  frames_dropped: 3,
  restarts: 0,
  motion_active: true,
};

test('every message type round-trips through its schema', () => {
  assert.deepEqual(decodeJson(MotionAlertSchema, encodeJson(MotionAlertSchema, motion)), motion);
  assert.deepEqual(decodeJson(DetectionsSchema, encodeJson(DetectionsSchema, detections)), detections);
  assert.deepEqual(decodeJson(ObjectEventSchema, encodeJson(ObjectEventSchema, event)), event);
  assert.deepEqual(decodeJson(AlertSchema, encodeJson(AlertSchema, alert)), alert);
  assert.deepEqual(decodeJson(ClipReadySchema, encodeJson(ClipReadySchema, clip)), clip);
  assert.deepEqual(decodeJson(CameraStatusSchema, encodeJson(CameraStatusSchema, status)), status);
});

test('the wire uses snake_case field names', () => {
  const text = new TextDecoder().decode(encodeJson(CameraStatusSchema, status));
  assert.match(text, /"frames_published":1000/);
  assert.match(text, /"motion_active":true/);
});

test('object events keep fields a newer tracker adds', () => {
  const bytes = new TextEncoder().encode(JSON.stringify({ ...event, attributes: { face: 'alice' } }));
  assert.deepEqual(decodeJson(ObjectEventSchema, bytes).attributes, { face: 'alice' });
});

test('alerts name their subject kind: motion or the object label', () => {
  assert.equal(alertSubjectKind(alert), 'person');
  assert.equal(alertSubjectKind({ kind: 'motion', camera: 'front', zones: [], time: 1 }), 'motion');
  const noLabel = new TextEncoder().encode(JSON.stringify({ ...alert, label: undefined }));
  assert.throws(() => decodeJson(AlertSchema, noLabel), DecodeError);
});

test('decode errors carry a reason and the paths of the failing fields', () => {
  const bad = { ...detections, sequence: -1, detections: [{ ...detections.detections[0], score: 2 }] };
  assert.throws(
    () => decodeJson(DetectionsSchema, new TextEncoder().encode(JSON.stringify(bad))),
    (error: unknown) =>
      error instanceof DecodeError &&
      error.reason === 'schema_mismatch' &&
      error.issues.some((issue) => issue.path === 'sequence') &&
      error.issues.some((issue) => issue.path === 'detections.0.score') &&
      error.message.includes('detections.0.score'),
  );
  assert.throws(
    () => decodeJson(MotionAlertSchema, new TextEncoder().encode('{"type":')),
    (error: unknown) => error instanceof DecodeError && error.reason === 'invalid_json',
  );
  assert.throws(
    () => decodeJson(MotionAlertSchema, new Uint8Array([0x7b, 0xff, 0x7d])),
    (error: unknown) => error instanceof DecodeError && error.reason === 'invalid_utf8',
  );
  assert.throws(
    () =>
      decodeJson(MotionAlertSchema, new TextEncoder().encode(JSON.stringify({ ...motion, camera: 'a.b' }))),
    (error: unknown) => error instanceof DecodeError && error.issues[0]?.path === 'camera',
  );
});

test('boxes must not be inverted', () => {
  const inverted = { ...detections, detections: [{ ...detections.detections[0]!, box: [50, 0, 10, 10] }] };
  assert.throws(
    () => encodeJson(DetectionsSchema, inverted as unknown as Detections),
    (error: unknown) => error instanceof EncodeError && error.issues[0]?.path === 'detections.0.box',
  );
});
