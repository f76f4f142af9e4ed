import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planAssignment } from './assignment.js';

const cameras = Array.from({ length: 10 }, (_, i) => `cam-${i}`);

test('every camera gets exactly one owner and shares differ by at most one', () => {
  for (const workerCount of [1, 2, 3, 4, 7, 12]) {
    const workers = Array.from({ length: workerCount }, (_, i) => `w${i}`);
    const plan = planAssignment(cameras, workers);
    const shares = workers.map((w) => [...plan.values()].filter((owner) => owner === w).length);
    assert.equal(plan.size, cameras.length);
    assert.ok(Math.max(...shares) - Math.min(...shares) <= 1, `unfair shares ${shares.join(',')}`);
  }
});

test('the plan does not depend on the order in which cameras or workers are listed', () => {
  const a = planAssignment(cameras, ['w1', 'w2', 'w3']);
  const b = planAssignment([...cameras].reverse(), ['w3', 'w1', 'w2']);
  assert.deepEqual([...a.entries()].sort(), [...b.entries()].sort());
});

test('a worker joining takes a fair share and few other cameras change hands', () => {
  const many = Array.from({ length: 60 }, (_, i) => `cam-${i}`);
  const before = planAssignment(many, ['w1', 'w2', 'w3']);
  const after = planAssignment(many, ['w1', 'w2', 'w3', 'w4']);
  const moved = [...after].filter(([camera, owner]) => owner !== before.get(camera));
  const toNewcomer = moved.filter(([, owner]) => owner === 'w4').length;
  assert.equal(toNewcomer, 15);
  // A modulo-style assignment would move about 45 of 60; rendezvous ranking keeps churn near the minimum.
  assert.ok(moved.length <= toNewcomer + 6, `${moved.length} cameras moved`);
});

test('no workers means no owners', () => {
  assert.equal(planAssignment(cameras, []).size, 0);
});
