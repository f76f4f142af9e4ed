import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clipParts, partClipKey } from './clip-window.js';

const base = { eventStartMs: 100_000, preCaptureS: 5, postCaptureS: 5, maxClipSeconds: 60 };

test('one part from start - pre to end + post', () => {
  assert.deepEqual(clipParts({ ...base, eventEndMs: 110_000 }), [
    { part: 1, startMs: 95_000, endMs: 115_000 },
  ]);
});

test('long events are split into parts of max_clip_seconds', () => {
  const parts = clipParts({ ...base, eventEndMs: 230_000 });
  assert.deepEqual(
    parts.map((p) => [p.part, p.startMs, p.endMs]),
    [
      [1, 95_000, 155_000],
      [2, 155_000, 215_000],
      [3, 215_000, 235_000],
    ],
  );
});

test('open events yield only the full parts already recorded, matching the final parts', () => {
  const open = clipParts({ ...base, eventEndMs: undefined }, 216_000);
  assert.deepEqual(open, clipParts({ ...base, eventEndMs: 230_000 }).slice(0, 2));
  assert.deepEqual(clipParts({ ...base, eventEndMs: undefined }, 150_000), []);
});

test('part keys', () => {
  assert.equal(partClipKey('events/c/2024-01-01/e/clip.mp4', 1), 'events/c/2024-01-01/e/clip.mp4');
  assert.equal(partClipKey('events/c/2024-01-01/e/clip.mp4', 3), 'events/c/2024-01-01/e/clip-part3.mp4');
});
