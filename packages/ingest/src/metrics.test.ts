import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '@shiriki/telemetry';
import { bindCameraMetrics, createIngestMetrics } from './metrics.js';

test('bound camera metrics count into the series labelled with that camera only', async () => {
  const registry = new Registry();
  const metrics = createIngestMetrics(registry);
  const front = bindCameraMetrics(metrics, 'front');
  bindCameraMetrics(metrics, 'back').framesIn.inc();
  front.framesIn.inc();
  front.framesIn.inc();
  front.framesDropped.inc(3);
  front.framesPublished('motion').inc();
  front.framesPublished('tracking').inc();
  front.framesPublished('tracking').inc();
  front.motionSeconds.observe(0.0004);
  front.decodeToPublishSeconds.observe(0.003);

  const text = await registry.metrics();
  assert.match(text, /^shiriki_ingest_frames_in_total\{camera="front"\} 2$/m);
  assert.match(text, /^shiriki_ingest_frames_in_total\{camera="back"\} 1$/m);
  assert.match(text, /^shiriki_ingest_frames_dropped_total\{camera="front"\} 3$/m);
  assert.match(text, /^shiriki_ingest_frames_published_total\{camera="front",reason="motion"\} 1$/m);
  assert.match(text, /^shiriki_ingest_frames_published_total\{camera="front",reason="tracking"\} 2$/m);
  assert.match(text, /^shiriki_ingest_motion_detection_seconds_count\{camera="front"\} 1$/m);
  assert.match(text, /^shiriki_ingest_motion_detection_seconds_bucket\{le="0.0005",camera="front"\} 1$/m);
  assert.match(text, /^shiriki_ingest_decode_to_publish_seconds_sum\{camera="front"\} 0.003$/m);
});
