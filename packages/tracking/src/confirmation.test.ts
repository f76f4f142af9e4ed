import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CameraTracker } from './camera-tracker.js';
import { CONFIRMATION_RULES, isConfirmed, type ConfirmationRule } from './confirmation.js';
import { median } from './filters.js';
import { box, frame, testOptions } from './test-support.js';

const confirmed = (rule: ConfirmationRule, scores: number[]) =>
  isConfirmed(rule, { scores, median: median(scores) }, 0.7, 2);

describe('confirmation rules', () => {
  it('median needs the median of the history at the threshold', () => {
    assert.equal(confirmed('median', [0.6, 0.65, 0.86]), false);
    assert.equal(confirmed('median', [0.6, 0.65, 0.86, 0.84]), true);
  });

  it('recent also takes the mean of the last min_initialized_frames scores, but not one good frame alone', () => {
    assert.equal(confirmed('recent', [0.6, 0.65, 0.86]), true, 'mean of 0.65 and 0.86');
    assert.equal(confirmed('recent', [0.53, 0.86]), false, 'mean 0.695');
    assert.equal(confirmed('recent', [0.55, 0.55, 0.6, 0.75]), false, 'mean 0.675');
  });

  it('every rule confirms once the median reaches the threshold', () => {
    for (const rule of CONFIRMATION_RULES) assert.equal(confirmed(rule, [0.9, 0.75, 0.6]), true, rule);
  });
});

describe('CameraTracker confirmation', () => {
  // A person walking in, as the pipeline scored one in bench/latency.ts: half hidden at first.
  const entry = [0.6, 0.65, 0.86, 0.84, 0.88];
  const realAt = (rule: ConfirmationRule): number | undefined => {
    const tracker = new CameraTracker(testOptions({ confirmation: rule }));
    for (const [k, score] of entry.entries()) {
      const events = tracker.push(frame(k + 1, [['person', score, box(100 + 10 * k, 100)]]));
      if (events.some((e) => e.type === 'new')) return k;
    }
    return undefined;
  };

  it('a person walking in becomes real a frame earlier under recent than under median', () => {
    assert.equal(realAt('median'), 3);
    assert.equal(realAt('recent'), 2);
  });

  it('min_initialized_frames still holds: high scores in fewer frames make no object', () => {
    for (const rule of CONFIRMATION_RULES) {
      const tracker = new CameraTracker(testOptions({ confirmation: rule, minInitializedFrames: 3 }));
      const first = tracker.push(frame(1, [['person', 0.95, box(100, 100)]]));
      const second = tracker.push(frame(2, [['person', 0.95, box(104, 100)]]));
      assert.deepEqual(
        [...first, ...second].filter((e) => e.type === 'new'),
        [],
        rule,
      );
      const third = tracker.push(frame(3, [['person', 0.95, box(108, 100)]]));
      assert.equal(third.filter((e) => e.type === 'new').length, 1, rule);
    }
  });
});
