import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SNAPSHOT_RULE, isBetterSnapshot } from './rule.js';

describe('isBetterSnapshot', () => {
  const rule = { frameWidth: 640, frameHeight: 360, ...DEFAULT_SNAPSHOT_RULE };
  const snap = (score: number, b: readonly [number, number, number, number]) => ({
    frameSequence: 1,
    captureTime: 0,
    score,
    box: b,
  });
  const inside = [100, 100, 140, 200] as const;
  const bigger = [100, 100, 145, 200] as const; // 12.5 % larger
  const slightlyBigger = [100, 100, 143, 200] as const; // 7.5 % larger
  const cut = [0, 100, 60, 250] as const; // touches the left border, but much larger
  it('takes the first candidate', () =>
    assert.equal(isBetterSnapshot(undefined, snap(0.5, cut), rule), true));
  it('prefers a clearly higher score', () => {
    assert.equal(isBetterSnapshot(snap(0.7, inside), snap(0.76, inside), rule), true);
    assert.equal(isBetterSnapshot(snap(0.7, inside), snap(0.74, inside), rule), false);
  });
  it('prefers a clearly larger box at a comparable score, not at a clearly lower one', () => {
    assert.equal(isBetterSnapshot(snap(0.8, inside), snap(0.78, bigger), rule), true);
    assert.equal(isBetterSnapshot(snap(0.8, inside), snap(0.8, slightlyBigger), rule), false);
    assert.equal(isBetterSnapshot(snap(0.8, inside), snap(0.7, bigger), rule), false);
  });
  it('never trades a whole object for one cut by the frame edge, and always the other way', () => {
    assert.equal(isBetterSnapshot(snap(0.6, inside), snap(0.95, cut), rule), false);
    assert.equal(isBetterSnapshot(snap(0.95, cut), snap(0.6, inside), rule), true);
  });
});
