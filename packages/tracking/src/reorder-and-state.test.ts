import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Detections, ObjectEvent } from '@shiriki/bus';
import { CameraTracker } from './camera-tracker.js';
import type { TrackerState } from './state.js';
import { box, frame, testOptions, validated, T0, type Det } from './test-support.js';

const zones = {
  right: {
    coordinates: [
      [0.5, 0],
      [1, 0],
      [1, 1],
      [0.5, 1],
    ] as [number, number][],
    inertia: 2,
    loitering_time: 0,
  },
};

/** Two people crossing, a car driving into a zone, a late-comer who leaves again; sequences have gaps. */
function scenario(): Detections[] {
  const frames: Detections[] = [];
  for (let k = 0; k < 48; k += 1) {
    const seq = 3 * k + (k % 4 === 0 ? 1 : 0);
    const dets: Det[] = [];
    if (k < 30) dets.push(['person', 0.85 + (k % 3) * 0.03, box(100 + 8 * k, 100)]);
    if (k < 30) dets.push(['person', 0.8, box(400 - 8 * k, 108)]);
    dets.push(['car', 0.9, box(60 + 10 * k, 220, 120, 60)]);
    if (k >= 10 && k < 20) dets.push(['person', k === 10 ? 0.6 : 0.92, box(500, 150, 50, 120)]);
    frames.push(frame(seq, dets));
  }
  return frames;
}

function feed(tracker: CameraTracker, frames: Detections[]): ObjectEvent[] {
  const events: ObjectEvent[] = [];
  for (const f of frames) events.push(...tracker.push(f));
  events.push(...tracker.advance(T0 + 10 * 60_000));
  return validated(events);
}

/** Shuffles within consecutive blocks of `size` frames (deterministic PRNG). */
function shuffleBlocks<T>(items: readonly T[], size: number, seed: number): T[] {
  let s = seed;
  const random = () => (s = (s * 48271) % 2147483647) / 2147483647;
  const out: T[] = [];
  for (let start = 0; start < items.length; start += size) {
    const block = items.slice(start, start + size);
    for (let i = block.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [block[i], block[j]] = [block[j] as T, block[i] as T];
    }
    out.push(...block);
  }
  return out;
}

describe('CameraTracker reordering', () => {
  const options = () => testOptions({ zones, reorderWindowFrames: 3 });

  it('produces identical events for frames shuffled within the window', () => {
    const expected = feed(new CameraTracker(options()), scenario());
    assert.ok(expected.filter((e) => e.type === 'new').length >= 4);
    assert.ok(expected.some((e) => e.zones.includes('right')));
    assert.equal(
      expected.filter((e) => e.type === 'end').length,
      expected.filter((e) => e.type === 'new').length,
    );
    for (const seed of [1, 2, 3, 4, 5]) {
      const shuffled = shuffleBlocks(scenario(), 4, seed);
      assert.notDeepEqual(
        shuffled.map((f) => f.sequence),
        scenario().map((f) => f.sequence),
      );
      const tracker = new CameraTracker(options());
      assert.deepEqual(feed(tracker, shuffled), expected, `seed ${seed}`);
      assert.equal(tracker.stats().lateFrames, 0);
    }
  });

  it('drops and counts late and duplicate frames', () => {
    const tracker = new CameraTracker(options());
    const frames = scenario();
    for (const f of frames.slice(0, 10)) tracker.push(f);
    const late = frames[2];
    const buffered = frames[9];
    assert.ok(late && buffered);
    assert.deepEqual(tracker.push(late), []);
    assert.deepEqual(tracker.push(buffered), []);
    const stats = tracker.stats();
    assert.equal(stats.lateFrames, 1);
    assert.equal(stats.duplicateFrames, 1);
    assert.equal(stats.buffered, 3);
  });
});

/** The scenario as the ingest publishes it: each frame names the frame published before it. */
function linked(frames: readonly Detections[]): Detections[] {
  return frames.map((f, i) => (i === 0 ? { ...f } : { ...f, previous_sequence: frames[i - 1]!.sequence }));
}

/** For each event, the index of the push that returned it. */
function pushIndexOfEvents(tracker: CameraTracker, frames: readonly Detections[]): Map<string, number> {
  const at = new Map<string, number>();
  frames.forEach((f, i) => {
    for (const e of tracker.push(f)) if (!at.has(`${e.id}/${e.type}`)) at.set(`${e.id}/${e.type}`, i);
  });
  return at;
}

describe('CameraTracker release in order', () => {
  const options = () => testOptions({ zones, reorderWindowFrames: 3 });

  it('releases a frame whose predecessor is released at once: the same events, three frames sooner', () => {
    const expected = feed(new CameraTracker(options()), scenario());
    assert.deepEqual(feed(new CameraTracker(options()), linked(scenario())), expected);
    const waiting = pushIndexOfEvents(new CameraTracker(options()), scenario());
    const prompt = pushIndexOfEvents(new CameraTracker(options()), linked(scenario()));
    const news = [...waiting.keys()].filter((k) => k.endsWith('/new'));
    assert.ok(news.length >= 4);
    for (const key of news) {
      // Gaps left by motion gating are no reason to wait: the whole window (3 frames) is saved. Only the
      // very first frame, which names no predecessor, waits for the window once (push 3).
      assert.equal(prompt.get(key), Math.max(3, waiting.get(key)! - 3), key);
    }
    const tracker = new CameraTracker(options());
    for (const f of linked(scenario()).slice(0, 10)) tracker.push(f);
    assert.equal(tracker.stats().buffered, 0, 'nothing waits when frames come in order');
  });

  it('still waits for a predecessor that is on its way, and yields the same events shuffled', () => {
    const expected = feed(new CameraTracker(options()), scenario());
    for (const seed of [1, 2, 3, 4, 5]) {
      const shuffled = shuffleBlocks(linked(scenario()), 3, seed);
      const tracker = new CameraTracker(options());
      assert.deepEqual(feed(tracker, shuffled), expected, `seed ${seed}`);
      assert.equal(tracker.stats().lateFrames, 0, `seed ${seed}`);
    }
  });

  it('a lost predecessor holds its successor only until the window overflows: nothing is dropped', () => {
    const frames = linked(scenario());
    const lost = new Set([frames[5]!.sequence, frames[17]!.sequence, frames[30]!.sequence]);
    const kept = frames.filter((f) => !lost.has(f.sequence));
    const tracker = new CameraTracker(options());
    const events = feed(tracker, kept);
    // The same as the tracker makes of those frames without any ordering hints.
    const plain = kept.map(({ previous_sequence: _unused, ...f }) => f);
    assert.deepEqual(events, feed(new CameraTracker(options()), plain));
    assert.equal(tracker.stats().lateFrames, 0);
    assert.equal(tracker.stats().frameGaps, 3, 'each lost frame counted once, by the frame that names it');
    const ends = events.filter((e) => e.type === 'end').length;
    assert.equal(ends, events.filter((e) => e.type === 'new').length);
  });
});

describe('CameraTracker hand-over', () => {
  it('continues the same objects after exportState/fromState without a second new event', () => {
    const frames = scenario();
    const options = () => testOptions({ zones, reorderWindowFrames: 3 });
    const whole = feed(new CameraTracker(options()), frames);

    const first = new CameraTracker(options());
    const before: ObjectEvent[] = [];
    for (const f of frames.slice(0, 15)) before.push(...first.push(f));
    const state = JSON.parse(JSON.stringify(first.exportState())) as TrackerState;
    assert.ok(state.objects.length > 0);
    assert.equal(state.buffered.length, 3);
    // The new owner uses another id factory: restored objects must keep their ids, new ones get new ids.
    let n = 0;
    const second = CameraTracker.fromState(
      testOptions({ zones, reorderWindowFrames: 3, idFactory: (c) => `other-${c.label}-${(n += 1)}` }),
      state,
    );
    const after = feed(second, frames.slice(15));
    const combined = validated([...before, ...after]);
    const newIds = combined.filter((e) => e.type === 'new').map((e) => e.id);
    assert.equal(new Set(newIds).size, newIds.length);
    const restored = new Set(state.objects.map((o) => o.id));
    const continued = after.filter((e) => restored.has(e.id));
    assert.ok(continued.some((e) => e.type === 'end'));
    assert.ok(!continued.some((e) => e.type === 'new' && before.some((b) => b.id === e.id)));
    // Same stream as without the hand-over, up to the ids of objects created after it.
    const rename = (events: ObjectEvent[]) =>
      events.map((e) => ({ ...e, id: restored.has(e.id) ? e.id : e.id.replace(/^(other|cam)-/, '') }));
    const wholeRenamed = rename(whole).map((e) => ({ ...e, id: e.id.replace(/-\d+$/, '') }));
    const combinedRenamed = rename(combined).map((e) => ({ ...e, id: e.id.replace(/-\d+$/, '') }));
    assert.deepEqual(combinedRenamed, wholeRenamed);
  });

  it('rejects a state of another camera or version', () => {
    const state = new CameraTracker(testOptions()).exportState();
    assert.throws(() => CameraTracker.fromState(testOptions({ camera: 'other' }), state), {
      name: 'TrackerStateError',
    });
    assert.throws(() => CameraTracker.fromState(testOptions(), { ...state, version: 99 }), {
      name: 'TrackerStateError',
    });
  });
});
