import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClipReady, ObjectEvent } from '@shiriki/bus';
import { countLedger, expectedAppearances, type LedgerInput } from '../proof/ledger.js';

const LOOP = 20_000;
const base: LedgerInput = {
  timelines: [{ camera: 'a', loopMs: LOOP, epochs: [{ origin: 0, from: 0, to: Infinity }] }],
  appearance: { fromMs: 5_000, toMs: 15_000 },
  window: { from: 0, to: 100_000 },
  blind: [],
  events: [],
  clips: [],
  unplayable: [],
  label: 'person',
  slackMs: 2_000,
};

function event(id: string, type: ObjectEvent['type'], start: number, camera = 'a'): ObjectEvent {
  return {
    type,
    id,
    camera,
    label: 'person',
    score: 0.9,
    top_score: 0.9,
    box: [0, 0, 10, 10],
    zones: [],
    entered_zones: [],
    start_time: start,
    stationary: false,
    ...(type === 'end' ? { end_time: start + 9_000 } : {}),
  };
}

function clip(eventId: string, partial = false): ClipReady {
  return {
    event_id: eventId,
    camera: 'a',
    keys: { clip: `${eventId}.mp4`, metadata: `${eventId}.json` },
    start: 0,
    end: 1,
    duration_s: 10,
    ...(partial ? { partial } : {}),
  };
}

test('appearances are expected only wholly inside the window, per epoch, clear of blind spans', () => {
  const starts = (input: LedgerInput) => expectedAppearances(input).map((a) => a.from);
  assert.deepEqual(starts(base), [5_000, 25_000, 45_000, 65_000, 85_000]);
  // A window that cuts into the first and the last appearance leaves both out.
  assert.deepEqual(starts({ ...base, window: { from: 6_000, to: 94_000 } }), [25_000, 45_000, 65_000]);
  assert.deepEqual(
    starts({ ...base, blind: [{ from: 40_000, to: 50_000 }] }),
    [5_000, 25_000, 65_000, 85_000],
  );
  // The publisher restarted at 50 s with a new origin of 52 s.
  const twoEpochs: LedgerInput = {
    ...base,
    timelines: [
      {
        camera: 'a',
        loopMs: LOOP,
        epochs: [
          { origin: 0, from: 0, to: 50_000 },
          { origin: 52_000, from: 52_000, to: Infinity },
        ],
      },
    ],
  };
  assert.deepEqual(starts(twoEpochs), [5_000, 25_000, 57_000, 77_000]);
});

test('an appearance without an event is lost, with two it is doubled, an event in none is outside', () => {
  const ledger = countLedger({
    ...base,
    events: [
      event('e1', 'new', 6_000),
      event('e1', 'end', 6_000),
      // Appearance 2 (25 s) has no event. Appearance 3 (45 s) has two.
      event('e3', 'new', 46_000),
      event('e3', 'end', 46_000),
      event('e3b', 'new', 52_000),
      event('e3b', 'end', 52_000),
      // Appearance 4: its new came twice, and it never ended.
      event('e4', 'new', 66_000),
      event('e4', 'new', 66_000),
      // Appearance 5 fine. A ghost at 20 s, between appearances.
      event('e5', 'new', 86_000),
      event('e5', 'end', 86_000),
      event('ghost', 'new', 20_500),
      // A camera without a timeline has no appearances (outside); another label is not counted.
      event('other', 'new', 26_000, 'b'),
      { ...event('dog', 'new', 26_000), label: 'dog' },
    ],
    clips: [clip('e1'), clip('e3'), clip('e5', true)],
    unplayable: ['e3'],
  });
  assert.equal(ledger.expected, 5);
  assert.deepEqual(
    ledger.lost.map((a) => a.from),
    [25_000],
  );
  assert.deepEqual(
    ledger.doubled.appearances.map((a) => a.eventIds),
    [['e3', 'e3b']],
  );
  assert.deepEqual(ledger.doubled.repeatedNew, ['e4']);
  assert.deepEqual(ledger.outside, ['ghost', 'other']);
  assert.deepEqual(ledger.notEnded, ['e4']);
  assert.deepEqual(ledger.clipsLost, ['e3b']);
  assert.deepEqual(ledger.clipsUnplayable, ['e3']);
  assert.deepEqual(ledger.clipsPartial, ['e5']);
});

test('a clean run counts nothing lost', () => {
  const events = [5_500, 25_500, 45_500, 65_500, 85_500].flatMap((start, i) => [
    event(`e${i}`, 'new', start),
    event(`e${i}`, 'update', start),
    event(`e${i}`, 'end', start),
  ]);
  const ledger = countLedger({ ...base, events, clips: events.map((e) => clip(e.id)) });
  assert.equal(ledger.expected, 5);
  assert.equal(ledger.lost.length + ledger.doubled.appearances.length + ledger.outside.length, 0);
  assert.equal(ledger.notEnded.length + ledger.clipsLost.length, 0);
});

test('an event in an appearance cut short by its publisher stopping is neither expected nor a ghost', () => {
  // The publisher stopped at 50 s, 5 s into the third appearance, and came back at 60 s with a new origin.
  const timelines = [
    {
      camera: 'a',
      loopMs: LOOP,
      epochs: [
        { origin: 0, from: 0, to: 50_000 },
        { origin: 60_000, from: 60_000, to: Infinity },
      ],
    },
  ];
  const ledger = countLedger({
    ...base,
    timelines,
    events: [event('cut', 'new', 46_000), event('cut', 'end', 46_000), event('ghost', 'new', 59_000)],
  });
  assert.deepEqual(
    ledger.appearances.map((a) => a.from),
    [5_000, 25_000, 65_000, 85_000],
  );
  assert.deepEqual(ledger.outside, ['ghost']);
  // Outside the window, not counted at all.
  assert.deepEqual(
    countLedger({ ...base, window: { from: 0, to: 40_000 }, events: [event('late', 'new', 55_000)] }).outside,
    [],
  );
});
