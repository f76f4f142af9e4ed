// Frames stop reaching the tracker when a camera, its ingest, NATS or the detectors go down. That silence is not
// evidence that anyone left: up to silenceHoldMs of it is held, and a person seen again after it keeps its event.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Detections, ObjectEvent } from '@shiriki/bus';
import { CameraTracker } from './camera-tracker.js';
import type { TrackerOptions } from './options.js';
import { T0, FRAME_MS, box, frame, testOptions, validated, type Det } from './test-support.js';

const HOLD_MS = 30_000;
const REORDER_MS = 2000;

const person = (x: number, y = 100): Det => ['person', 0.9, box(x, y)];

function tracker(overrides: Partial<TrackerOptions> = {}): CameraTracker {
  return new CameraTracker(testOptions({ silenceHoldMs: HOLD_MS, reorderDelayMs: REORDER_MS, ...overrides }));
}

function feed(t: CameraTracker, frames: Detections[]): ObjectEvent[] {
  const events: ObjectEvent[] = [];
  for (const f of frames) events.push(...t.push(f));
  return validated(events);
}

/** Frames `from..to` (inclusive) of people walking right 5 px a frame, starting at the given x. */
function walking(from: number, to: number, starts: readonly number[]): Detections[] {
  const frames: Detections[] = [];
  for (let k = from; k <= to; k += 1)
    frames.push(
      frame(
        k,
        starts.map((x, i) => person(x + 5 * k, 60 + 120 * i)),
      ),
    );
  return frames;
}

const types = (events: ObjectEvent[]) => events.map((e) => `${e.type} ${e.id}`);

describe('CameraTracker through an outage', () => {
  it('a person walking on through 10 s without frames stays one event, though they moved far', () => {
    for (const hold of [HOLD_MS, 0]) {
      const t = tracker({ silenceHoldMs: hold });
      const before = feed(t, walking(0, 9, [100]));
      const id = before.find((e) => e.type === 'new')?.id;
      assert.ok(id, 'the person became real');
      const lastFrame = T0 + 9 * FRAME_MS;
      // The tracker's timer runs on through the outage.
      const during = validated(t.advance(lastFrame + 10_000 + REORDER_MS));
      // 51 frames later the person is 255 px further on: far outside the distance gate of a 40 px box.
      const after = feed(t, walking(60, 70, [100]));
      if (hold === 0) {
        // Counting the outage as unseen time: the event ends during it, and the same person is a second one.
        assert.deepEqual(types(during), [`end ${id}`]);
        assert.ok(after.some((e) => e.type === 'new' && e.id !== id));
        continue;
      }
      assert.deepEqual(during, [], 'nothing ends while no frame comes');
      assert.deepEqual(
        after.filter((e) => e.type !== 'update'),
        [],
        'no new event after the outage',
      );
      assert.deepEqual(
        t.openObjects().map((o) => [o.id, o.box[0]]),
        [[id, 100 + 5 * 70]],
      );
    }
  });

  it('a person whose walk carried them out of the frame during the outage is not the next one to walk in', () => {
    const t = tracker();
    // 25 px a frame to the right: 10 s on, they are far past the right edge of the 640 px frame.
    const fast = Array.from({ length: 10 }, (_, k) => frame(k, [person(100 + 25 * k)]));
    const id = feed(t, fast).find((e) => e.type === 'new')?.id;
    const next = Array.from({ length: 30 }, (_, i) => frame(60 + i, [person(20 + 5 * i)]));
    const events = feed(t, next);
    const news = events.filter((e) => e.type === 'new');
    assert.equal(news.length, 1);
    assert.notEqual(news[0]?.id, id, 'the newcomer has an event of its own');
    assert.deepEqual(
      events.filter((e) => e.type === 'end').map((e) => [e.id, e.end_time]),
      [[id, T0 + 9 * FRAME_MS]],
      'and the one who left ends at its last sighting',
    );
  });

  it('after an outage, once a look finds the scene empty, the next person to walk in is someone new', () => {
    const t = tracker();
    const id = feed(t, walking(0, 9, [100])).find((e) => e.type === 'new')?.id;
    // Back after 10 s: two looks without anyone, then a person at the far side.
    const empty = [60, 61].map((k) => frame(k, []));
    const newcomer = Array.from({ length: 10 }, (_, i) => frame(62 + i, [person(560 - 5 * i, 200)]));
    const events = feed(t, [...empty, ...newcomer]);
    const news = events.filter((e) => e.type === 'new');
    assert.equal(news.length, 1);
    assert.notEqual(news[0]?.id, id);
    assert.deepEqual(
      events.filter((e) => e.type === 'end').map((e) => e.id),
      [id],
    );
  });

  it('a person who stopped during an outage is found where they were last seen, not where their walk led', () => {
    // A full proof run: an ingest failover left 6 s without frames while the person stood still mid-frame; the
    // walk's prediction had them 150 px on, and they got a second event.
    const t = tracker();
    const before = feed(t, walking(0, 9, [100]));
    const id = before.find((e) => e.type === 'new')?.id;
    const lastX = 100 + 5 * 9;
    const still = Array.from({ length: 5 }, (_, i) => frame(42 + i, [person(lastX + (i % 2), 60)]));
    const events = feed(t, still);
    assert.deepEqual(
      events.filter((e) => e.type !== 'update'),
      [],
    );
    assert.deepEqual(
      t.openObjects().map((o) => o.id),
      [id],
    );
  });

  it('after a long outage, a newcomer walking in where the last person was seen is someone new', () => {
    const t = tracker();
    const id = feed(t, walking(0, 9, [100])).find((e) => e.type === 'new')?.id;
    // 17 s later (a nats-server restart), someone enters where the first person was 2 s before the outage.
    const newcomer = Array.from({ length: 10 }, (_, i) => frame(95 + i, [person(100 + 5 * i)]));
    const news = feed(t, newcomer).filter((e) => e.type === 'new');
    assert.equal(news.length, 1);
    assert.notEqual(news[0]?.id, id);
  });

  it('two people through an outage keep their own ids', () => {
    const t = tracker();
    feed(t, walking(0, 9, [100, 300]));
    const [upper, lower] = t.openObjects().map((o) => o.id);
    t.advance(T0 + 9 * FRAME_MS + 8000);
    feed(t, walking(50, 55, [100, 300]));
    const open = t.openObjects();
    assert.deepEqual(
      open.map((o) => [o.id, o.box[1]]),
      [
        [upper, 60],
        [lower, 180],
      ],
    );
  });

  it('an outage longer than the hold ends the object max_disappeared after it, at its last sighting', () => {
    const t = tracker();
    const id = feed(t, walking(0, 9, [100])).find((e) => e.type === 'new')?.id;
    const lastSeen = T0 + 9 * FRAME_MS;
    // Unseen time: the 3 s a moving object may go without a frame, then nothing for 30 s, then 2 s more.
    assert.deepEqual(t.advance(lastSeen + HOLD_MS + 4900 + REORDER_MS), []);
    const ended = validated(t.advance(lastSeen + HOLD_MS + 5100 + REORDER_MS));
    assert.deepEqual(
      ended.map((e) => [e.type, e.id, e.end_time, e['end_reason']]),
      [['end', id, lastSeen, 'disappeared']],
    );
  });

  it('an outage is not time at rest: a person seen in place after it is not stationary until they stayed there', () => {
    // Stationary objects outlive max_disappeared and stay matchable for long: a kept proof run showed one made
    // stationary by a nats-server outage taking over the next person to walk past it.
    const t = tracker();
    feed(
      t,
      Array.from({ length: 10 }, (_, k) => frame(k, [person(300)])),
    );
    const lastSeen = T0 + 9 * FRAME_MS;
    const back = (s: number) => frame(100 + s, [person(300)], { time: lastSeen + 20_000 + 1000 * s });
    feed(t, [back(0)]);
    assert.equal(t.openObjects()[0]?.stationary, false, 'at rest 2 s, then 20 s without frames');
    feed(t, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(back));
    assert.equal(t.openObjects()[0]?.stationary, true, 'at rest 10 s more');
  });

  it('a quiet scene is no outage: with frames every second and nobody in them, the object ends after max_disappeared', () => {
    const t = tracker();
    feed(t, walking(0, 9, [100]));
    const lastSeen = T0 + 9 * FRAME_MS;
    // Ingest's tracking frames: one a second, the detector finds nothing.
    const quiet = Array.from({ length: 8 }, (_, s) => frame(10 + s, [], { time: lastSeen + 1000 * (s + 1) }));
    const ended = feed(t, quiet).filter((e) => e.type === 'end');
    assert.deepEqual(
      ended.map((e) => [e.frame_time, e.end_time]),
      [[lastSeen + 5000, lastSeen]],
    );
  });

  it('a stationary object refreshed every 10 s is not in an outage between refreshes', () => {
    const t = tracker({ stationaryAfterMs: 1000 });
    feed(
      t,
      Array.from({ length: 10 }, (_, k) => frame(k, [person(300)])),
    );
    assert.equal(t.openObjects()[0]?.stationary, true);
    const lastSeen = T0 + 9 * FRAME_MS;
    // Refreshes keep coming but find nothing: it ends 25 s (stationaryMaxDisappearedMs) after its last sighting.
    const refreshes = [1, 2, 3].map((r) => frame(10 + r, [], { time: lastSeen + 10_000 * r }));
    const ended = feed(t, refreshes).filter((e) => e.type === 'end');
    assert.deepEqual(
      ended.map((e) => e.frame_time),
      [lastSeen + 30_000],
    );
  });

  it('a hand-over during an outage gives the same events as one tracker', () => {
    const script = (handOver: boolean): string[] => {
      let t = tracker();
      const events = feed(t, walking(0, 9, [100, 300]));
      // Only the upper person is back after the outage; the lower one left during it.
      const back = Array.from({ length: 5 }, (_, i) => frame(60 + i, [person(100 + 5 * (60 + i))]));
      events.push(...feed(t, back.slice(0, 1)));
      if (handOver)
        t = CameraTracker.fromState(
          testOptions({ silenceHoldMs: HOLD_MS, reorderDelayMs: REORDER_MS }),
          t.exportState(),
        );
      events.push(...feed(t, back.slice(1)));
      const quiet = Array.from({ length: 8 }, (_, s) =>
        frame(65 + s, [], { time: T0 + 64 * FRAME_MS + 1000 * (s + 1) }),
      );
      events.push(...feed(t, quiet));
      return events.map((e) => `${e.type} ${e.id} ${e.frame_time}`);
    };
    const single = script(false);
    assert.ok(single.filter((line) => line.startsWith('end')).length === 2, single.join('\n'));
    assert.deepEqual(script(true), single);
  });
});
