import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '@shiriki/config';
import { ingestCamerasFromConfig } from './from-config.js';

const yaml = `
nats: { servers: ['nats://127.0.0.1:4222'] }
go2rtc: { api_url: 'http://127.0.0.1:1984', rtsp_url: 'rtsp://127.0.0.1:8554' }
detect: { width: 640, height: 360, fps: 5 }
motion: { threshold: 25, off_delay_s: 2 }
events: { heartbeat_s: 20 }
alerts: { enabled: false }
ingest:
  stall_timeout_s: 4
  restart_backoff: { initial_ms: 250, max_ms: 4000 }
  tracked_frame_interval_s: 0.5
storage: { type: local }
cameras:
  front:
    source: rtsp://user:secret@10.0.0.2/stream
    detect: { fps: 10, stationary: { interval_frames: 30 } }
    motion: { enabled: false }
  back:
    source: [rtsp://10.0.0.3/main, rtsp://10.0.0.3/sub]
    detect: { enabled: false }
  old:
    enabled: false
    source: rtsp://10.0.0.4/x
`;

test('camera settings come from the camera, its overrides and the ingest section', () => {
  const { cameras, sources } = ingestCamerasFromConfig(parseConfig(yaml, { env: {} }));
  assert.deepEqual(
    cameras.map((c) => c.name),
    ['front', 'back'],
  );
  const [front, back] = cameras as [(typeof cameras)[0], (typeof cameras)[0]];
  // Ingest reads go2rtc's restream, never the camera, so the camera's credentials never reach ffmpeg.
  assert.equal(front.inputUrl, 'rtsp://127.0.0.1:8554/front');
  assert.deepEqual(front.detect, { width: 640, height: 360, fps: 10 });
  assert.equal(front.motionEnabled, false);
  assert.equal(back.motionEnabled, true);
  assert.equal(back.motion.threshold, 25);
  assert.equal(back.motionOffDelayMs, 2000);
  assert.deepEqual(back.decoder, { stallTimeoutMs: 4000, initialBackoffMs: 250, maxBackoffMs: 4000 });
  assert.equal(back.publish.trackedFrameIntervalMs, 500);
  assert.equal(front.publish.stationaryFrameIntervalMs, 3000, '30 frames at 10 fps');
  assert.equal(back.publish.stationaryFrameIntervalMs, 10_000, 'the default 50 frames at 5 fps');
  assert.equal(back.publish.objectHoldMs, 50_000, 'a few event heartbeats');
  assert.deepEqual([front.detectEnabled, back.detectEnabled], [true, false]);
  assert.deepEqual([front.motionAlerts, back.motionAlerts], [false, false]);
  assert.deepEqual(sources, {
    front: ['rtsp://user:secret@10.0.0.2/stream'],
    back: ['rtsp://10.0.0.3/main', 'rtsp://10.0.0.3/sub'],
  });
});
