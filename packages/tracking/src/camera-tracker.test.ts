import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectEvent } from '@shiriki/bus';
import { CameraTracker } from './camera-tracker.js';
import { iou, type Box } from '@shiriki/geometry';
import { DEFAULT_OBJECT_FILTER } from './options.js';
import { T0, FRAME_MS, box, frame, testOptions, validated, type Det } from './test-support.js';

function run(tracker: CameraTracker, frames: ReturnType<typeof frame>[]): ObjectEvent[] {
  const events: ObjectEvent[] = [];
  for (const f of frames) events.push(...tracker.push(f));
  return validated(events);
}

const person = (score: number, b: Box): Det => ['person', score, b];

describe('CameraTracker association', () => {
  it('keeps the ids of two people crossing paths where IoU with the last box would swap them', () => {
    // A walks right, B walks left, 25 px per frame, B 10 px lower; they pass each other around frame 6.
    const a = (k: number) => box(100 + 25 * k, 100);
    const b = (k: number) => box(410 - 25 * k, 110);
    // Without prediction the crossing frame is ambiguous the wrong way round:
    assert.ok(iou(a(6), b(7)) > iou(a(6), a(7)));
    assert.ok(iou(b(6), a(7)) > iou(b(6), b(7)));

    const tracker = new CameraTracker(testOptions());
    const frames = Array.from({ length: 14 }, (_, k) => frame(k, [person(0.9, a(k)), person(0.9, b(k))]));
    run(tracker, frames.slice(0, 1));
    const [first, second] = tracker.openObjects();
    assert.ok(first && second);
    assert.deepEqual(first.box, a(0));
    for (let k = 1; k < frames.length; k += 1) {
      run(tracker, frames.slice(k, k + 1));
      const objects = tracker.openObjects();
      assert.equal(objects.length, 2, `frame ${k}`);
      assert.deepEqual(objects.find((o) => o.id === first.id)?.box, a(k), `A at frame ${k}`);
      assert.deepEqual(objects.find((o) => o.id === second.id)?.box, b(k), `B at frame ${k}`);
    }
  });

  it('never matches across labels', () => {
    const tracker = new CameraTracker(testOptions());
    const events = run(tracker, [
      frame(0, [person(0.9, box(100, 100))]),
      frame(1, [person(0.9, box(100, 100))]),
      frame(2, [['car', 0.9, box(100, 100)]]),
      frame(3, [['car', 0.9, box(100, 100)]]),
    ]);
    const news = events.filter((e) => e.type === 'new');
    assert.deepEqual(
      news.map((e) => e.label),
      ['person', 'car'],
    );
    assert.notEqual(news[0]?.id, news[1]?.id);
  });

  it('ignores labels that are not tracked', () => {
    const tracker = new CameraTracker(testOptions());
    const events = run(
      tracker,
      [0, 1, 2].map((k) => frame(k, [['dog', 0.9, box(100, 100)]])),
    );
    assert.deepEqual(events, []);
    assert.equal(tracker.openObjects().length, 0);
  });
});

describe('CameraTracker false positives', () => {
  it('gives no event to an object seen once, below threshold or not', () => {
    for (const score of [0.6, 0.95]) {
      const tracker = new CameraTracker(testOptions());
      const events = run(tracker, [frame(0, [person(score, box(100, 100))]), frame(1, []), frame(2, [])]);
      events.push(...tracker.advance(T0 + 60_000));
      assert.deepEqual(events, [], `score ${score}`);
    }
  });

  it('makes an object real once the median of its recent scores reaches the threshold (rule median)', () => {
    const tracker = new CameraTracker(testOptions({ confirmation: 'median' }));
    const scores = [0.6, 0.6, 0.9, 0.9, 0.9];
    const perFrame = scores.map((s, k) => run(tracker, [frame(k, [person(s, box(100 + k, 100))])]));
    assert.deepEqual(
      perFrame.map((events) => events.map((e) => e.type)),
      [[], [], [], ['new'], []],
    );
    const created = perFrame[3]?.[0];
    assert.equal(created?.score, 0.75);
    assert.equal(created?.top_score, 0.75);
    assert.equal(created?.start_time, T0);
  });

  it('under the default rule, as soon as its last min_initialized_frames scores reach it on average', () => {
    const tracker = new CameraTracker(testOptions());
    const scores = [0.6, 0.6, 0.9, 0.9, 0.9];
    const perFrame = scores.map((s, k) => run(tracker, [frame(k, [person(s, box(100 + k, 100))])]));
    assert.deepEqual(
      perFrame.map((events) => events.map((e) => e.type)),
      [[], [], ['new'], [], []],
      'the median of 0.6, 0.6, 0.9 is 0.6, but the mean of the last two is 0.75: a frame before the median rule',
    );
    const created = perFrame[2]?.[0];
    assert.equal(created?.score, 0.6, 'the reported score is still the median');
    assert.equal(created?.start_time, T0);
  });

  it('waits for min_initialized_frames consecutive detections', () => {
    const tracker = new CameraTracker(testOptions({ minInitializedFrames: 3 }));
    const seen = (k: number) => frame(k, [person(0.9, box(100, 100))]);
    // Seen, missed (frame looked at, nothing), seen twice: the first track died, the second is too young.
    assert.deepEqual(run(tracker, [seen(0), frame(1, []), seen(2), seen(3)]), []);
    assert.deepEqual(
      run(tracker, [seen(4)]).map((e) => e.type),
      ['new'],
    );
  });

  it('drops detections failing area, ratio and mask filters', () => {
    const filter = {
      ...DEFAULT_OBJECT_FILTER,
      min_area: 0.005,
      max_ratio: 1.5,
      mask: [
        [
          [0.5, 0],
          [1, 0],
          [1, 1],
          [0.5, 1],
        ] as [number, number][],
      ],
    };
    const tracker = new CameraTracker(
      testOptions({ filters: { person: filter, car: DEFAULT_OBJECT_FILTER } }),
    );
    const dets: Det[] = [
      person(0.9, box(10, 10, 10, 10)), // area 100 / 230400 < 0.005
      person(0.9, box(100, 100, 200, 100)), // ratio 2
      person(0.9, box(400, 100)), // bottom centre in the right-half mask
      ['car', 0.9, box(400, 100)], // masks are per label
    ];
    const events = run(tracker, [frame(0, dets), frame(1, dets)]);
    assert.deepEqual(
      events.map((e) => [e.type, e.label]),
      [['new', 'car']],
    );
    const { rejected } = tracker.stats();
    assert.equal(rejected.min_area, 2);
    assert.equal(rejected.max_ratio, 2);
    assert.equal(rejected.mask, 2);
  });
});

describe('CameraTracker zones', () => {
  const right: [number, number][] = [
    [0.5, 0],
    [1, 0],
    [1, 1],
    [0.5, 1],
  ];
  // Walks right 30 px per frame (its own width is 40) with its centre at 190 + 30 k: inside from k = 5.
  const walk = (k: number) => box(190 + 30 * k - 20, 100);

  it('enters after inertia frames, leaves after inertia frames and remembers entered zones', () => {
    const tracker = new CameraTracker(
      testOptions({ zones: { right: { coordinates: right, inertia: 3, loitering_time: 0 } } }),
    );
    const path = [0, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1, 0].map((x) => walk(x));
    const events = run(
      tracker,
      path.map((b, k) => frame(k, [person(0.9, b)])),
    );
    const zoneChanges = events
      .filter((e, i) => i === 0 || e.zones.join() !== events[i - 1]?.zones.join())
      .map((e) => [
        e.frame_time !== undefined ? (e.frame_time - T0) / FRAME_MS : -1,
        e.zones,
        e.entered_zones,
      ]);
    // Inside at frames 5..9: counts from frame 7; outside again from frame 10: leaves at frame 12.
    assert.deepEqual(zoneChanges, [
      [1, [], []],
      [7, ['right'], ['right']],
      [12, [], ['right']],
    ]);
    assert.equal(new Set(events.map((e) => e.id)).size, 1);
  });

  it('counts a zone only after loitering_time inside it', () => {
    const tracker = new CameraTracker(
      testOptions({ zones: { right: { coordinates: right, inertia: 1, loitering_time: 1 } } }),
    );
    const events = run(
      tracker,
      Array.from({ length: 12 }, (_, k) => frame(k, [person(0.9, box(400, 100))])),
    );
    const first = events.find((e) => e.zones.includes('right'));
    // First inside at frame 0 (T0); 1 s later is frame 5.
    assert.equal(first?.frame_time, T0 + 5 * FRAME_MS);
    assert.deepEqual(first?.entered_zones, ['right']);
  });

  it('ignores labels the zone does not list', () => {
    const tracker = new CameraTracker(
      testOptions({
        zones: { right: { coordinates: right, inertia: 1, loitering_time: 0, objects: ['car'] } },
      }),
    );
    const events = run(
      tracker,
      Array.from({ length: 4 }, (_, k) =>
        frame(k, [person(0.9, box(400, 100)), ['car', 0.9, box(400, 200, 100, 60)]]),
      ),
    );
    const zonesByLabel = (label: string) =>
      events.filter((e) => e.label === label).flatMap((e) => [...e.zones, ...e.entered_zones]);
    assert.deepEqual(zonesByLabel('person'), []);
    assert.ok(zonesByLabel('car').includes('right'));
  });
});

describe('CameraTracker lifecycle', () => {
  it('ends an object gone for max_disappeared, with end_time at its last sighting', () => {
    const tracker = new CameraTracker(testOptions());
    const seen = [0, 1, 2].map((k) => frame(k, [person(0.9, box(100, 100))]));
    const empty = Array.from({ length: 30 }, (_, i) => frame(3 + i, []));
    const events = run(tracker, [...seen, ...empty]);
    const end = events.find((e) => e.type === 'end');
    assert.equal(end?.end_time, T0 + 2 * FRAME_MS);
    // Last seen at frame 2; 5 s later is frame 27.
    assert.equal(end?.frame_time, T0 + 27 * FRAME_MS);
    assert.equal(end?.['end_reason'], 'disappeared');
    assert.equal(tracker.openObjects().length, 0);
  });

  it('ends through advance() when no frames come, behind by reorderDelayMs', () => {
    const tracker = new CameraTracker(testOptions({ reorderDelayMs: 1000 }));
    run(
      tracker,
      [0, 1].map((k) => frame(k, [person(0.9, box(100, 100))])),
    );
    const lastSeen = T0 + FRAME_MS;
    assert.deepEqual(tracker.advance(lastSeen + 5000), []);
    const ended = validated(tracker.advance(lastSeen + 6000));
    assert.deepEqual(
      ended.map((e) => [e.type, e.frame_time]),
      [['end', lastSeen + 5000]],
    );
  });

  it('sends heartbeat updates while nothing changes', () => {
    const tracker = new CameraTracker(testOptions({ heartbeatMs: 1000 }));
    const events = run(
      tracker,
      Array.from({ length: 13 }, (_, k) => frame(k, [person(0.9, box(100, 100))])),
    );
    assert.deepEqual(
      events.map((e) => [e.type, ((e.frame_time ?? 0) - T0) / FRAME_MS]),
      [
        ['new', 1],
        ['update', 6],
        ['update', 11],
      ],
    );
  });

  it('flags a stationary object and keeps it while refresh frames confirm it', () => {
    const tracker = new CameraTracker(
      testOptions({ stationaryAfterMs: 2000, maxDisappearedMs: 3000, stationaryMaxDisappearedMs: 13_000 }),
    );
    const parked = (seq: number) => frame(seq, [['car', 0.9, box(300, 200, 120, 60)]]);
    // 3 s of frames, then only a refresh frame every 5 s (25 frames), other frames carry no car.
    const events = run(
      tracker,
      Array.from({ length: 16 }, (_, k) => parked(k)),
    );
    const flagged = events.find((e) => e.stationary);
    assert.equal(flagged?.type, 'update');
    assert.equal(flagged?.frame_time, T0 + 10 * FRAME_MS);
    for (let refresh = 1; refresh <= 4; refresh += 1) {
      const seq = 15 + 25 * refresh;
      const between = run(tracker, [frame(seq - 1, [], { regionCount: 1 })]);
      assert.deepEqual(
        between.filter((e) => e.type === 'end'),
        [],
      );
      run(tracker, [parked(seq)]);
    }
    assert.equal(tracker.openObjects()[0]?.stationary, true);
    // Refreshes stop: it ends 13 s after the last one, not 3 s.
    const lastRefresh = T0 + (15 + 100) * FRAME_MS;
    assert.deepEqual(tracker.advance(lastRefresh + 12_000 + 2000), []);
    const ended = validated(tracker.advance(lastRefresh + 13_000 + 2000));
    assert.deepEqual(
      ended.map((e) => [e.type, e.stationary, e.end_time]),
      [['end', true, lastRefresh]],
    );
  });

  it('clears the stationary flag with an update when the object moves', () => {
    const tracker = new CameraTracker(testOptions({ stationaryAfterMs: 1000 }));
    const still = Array.from({ length: 8 }, (_, k) => frame(k, [['car', 0.9, box(300, 200, 120, 60)]]));
    run(tracker, still);
    assert.equal(tracker.openObjects()[0]?.stationary, true);
    const moved = run(tracker, [frame(8, [['car', 0.9, box(360, 200, 120, 60)]])]);
    assert.deepEqual(
      moved.map((e) => [e.type, e.stationary]),
      [['update', false]],
    );
  });

  it('publishes a better snapshot with an update and names its frame', () => {
    const tracker = new CameraTracker(testOptions());
    const events = run(tracker, [
      frame(0, [person(0.8, box(100, 100))]),
      frame(1, [person(0.8, box(100, 100))]),
      frame(2, [person(0.8, box(100, 100))]),
      frame(3, [person(0.95, box(101, 100))]),
      frame(4, [person(0.8, [0, 100, 60, 200])]), // cut by the left edge: not better
    ]);
    assert.deepEqual(
      events.map((e) => [e.type, e.snapshot?.frame_sequence]),
      [
        ['new', 0],
        ['update', 3],
      ],
    );
    const holders = tracker.snapshotCandidates(3);
    assert.equal(holders.length, 1);
    assert.equal(holders[0]?.real, true);
    assert.deepEqual(tracker.snapshotCandidates(0), []);
    assert.ok(tracker.retainedSnapshotSequences().has(3));
    assert.equal(tracker.setSnapshotKey(holders[0]?.id ?? '', 3, 'snap/3.jpg'), true);
    const end = tracker.endAll(T0 + 10_000, 'camera_removed');
    // The snapshot names the object's box in frame 3, the frame it was taken from.
    assert.deepEqual(end[0]?.snapshot, {
      frame_sequence: 3,
      score: 0.95,
      key: 'snap/3.jpg',
      box: box(101, 100),
    });
    assert.equal(end[0]?.['end_reason'], 'camera_removed');
  });

  it('never takes a frame whose detections say no JPEG follows', () => {
    const tracker = new CameraTracker(testOptions());
    const events = run(tracker, [
      frame(0, [person(0.8, box(100, 100))]),
      frame(1, [person(0.8, box(100, 100))]),
      frame(2, [person(0.8, box(100, 100))]),
      { ...frame(3, [person(0.95, box(101, 100))]), snapshot: false },
      { ...frame(4, [person(0.9, box(101, 100))]), snapshot: true },
    ]);
    assert.deepEqual(
      events.map((e) => [e.type, e.snapshot?.frame_sequence]),
      [
        ['new', 0],
        ['update', 4],
      ],
    );
  });
});
