import { test } from 'node:test';
import assert from 'node:assert/strict';
import { polygonProblems, type Point } from './polygon.js';

const square: Point[] = [
  [0.1, 0.1],
  [0.9, 0.1],
  [0.9, 0.9],
  [0.1, 0.9],
];

test('a simple polygon, clockwise or not, has no problems', () => {
  assert.deepEqual(polygonProblems(square), []);
  assert.deepEqual(polygonProblems([...square].reverse()), []);
  // Concave (an L shape) is fine as long as no edges cross.
  assert.deepEqual(
    polygonProblems([
      [0, 0],
      [0.5, 0],
      [0.5, 0.5],
      [1, 0.5],
      [1, 1],
      [0, 1],
    ]),
    [],
  );
});

test('fewer than 3 points is rejected with the count', () => {
  assert.deepEqual(
    polygonProblems([
      [0, 0],
      [1, 1],
    ]),
    ['a polygon needs at least 3 points, got 2'],
  );
});

test('repeated consecutive points and an explicit closing point are named', () => {
  assert.deepEqual(
    polygonProblems([
      [0, 0],
      [0, 0],
      [1, 0],
      [1, 1],
    ]),
    ['points 0 and 1 are the same ([0, 0])'],
  );
  const [problem] = polygonProblems([...square, [0.1, 0.1]]);
  assert.match(problem ?? '', /last point repeats the first/);
});

test('a bow-tie crosses itself and the crossing edges are named', () => {
  assert.deepEqual(
    polygonProblems([
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
    ]),
    ['edges 0→1 and 2→3 intersect; the polygon crosses itself'],
  );
});

test('an edge touching a non-adjacent vertex counts as an intersection', () => {
  const problems = polygonProblems([
    [0, 0],
    [1, 0],
    [0.5, 0.5],
    [1, 1],
    [0, 1],
    [0.5, 0],
  ]);
  assert.ok(
    problems.some((p) => p.includes('intersect')),
    problems.join('; '),
  );
});

test('points on one line fold back over each other; nothing has an area', () => {
  const problems = polygonProblems([
    [0, 0],
    [0.5, 0.5],
    [1, 1],
  ]);
  assert.ok(problems.length > 0);
  assert.ok(
    problems.every((p) => p.includes('fold back')),
    problems.join('; '),
  );
});
