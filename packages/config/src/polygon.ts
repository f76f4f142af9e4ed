/** A point in normalised frame coordinates: x and y in 0..1, origin at the top-left corner. */
export type Point = readonly [x: number, y: number];

/** Twice the smallest polygon area (in normalised units) that still counts as a shape, not a line. */
const MIN_DOUBLE_AREA = 1e-9;

/**
 * Why a polygon cannot be used as a zone or mask, one message per problem; empty when it is fine.
 * Points are assumed to be in range already (the schema checks that first).
 */
export function polygonProblems(points: readonly Point[]): string[] {
  if (points.length < 3) return [`a polygon needs at least 3 points, got ${points.length}`];
  const problems: string[] = [];
  for (let i = 0; i < points.length; i += 1) {
    const next = (i + 1) % points.length;
    if (samePoint(at(points, i), at(points, next))) {
      problems.push(
        next === 0
          ? `the last point repeats the first (${show(at(points, 0))}); polygons close themselves, drop it`
          : `points ${i} and ${next} are the same (${show(at(points, i))})`,
      );
    }
  }
  if (problems.length > 0) return problems;
  const crossings = selfIntersections(points);
  if (crossings.length > 0) return crossings;
  if (Math.abs(doubleArea(points)) < MIN_DOUBLE_AREA)
    return ['the polygon has no area (all points on one line)'];
  return [];
}

function selfIntersections(points: readonly Point[]): string[] {
  const n = points.length;
  const problems: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const a1 = at(points, i);
    const a2 = at(points, (i + 1) % n);
    for (let j = i + 1; j < n; j += 1) {
      const b1 = at(points, j);
      const b2 = at(points, (j + 1) % n);
      const adjacent = j === i + 1 || (i === 0 && j === n - 1);
      if (adjacent) {
        // Neighbouring edges share a point; they only clash when one folds back over the other.
        const shared = j === i + 1 ? a2 : a1;
        const farA = j === i + 1 ? a1 : a2;
        const farB = j === i + 1 ? b2 : b1;
        if (cross(shared, farA, farB) === 0 && dot(shared, farA, farB) > 0) {
          problems.push(`edges ${edgeName(i, n)} and ${edgeName(j, n)} fold back over each other`);
        }
      } else if (segmentsTouch(a1, a2, b1, b2)) {
        problems.push(`edges ${edgeName(i, n)} and ${edgeName(j, n)} intersect; the polygon crosses itself`);
      }
    }
  }
  return problems;
}

function edgeName(i: number, n: number): string {
  return `${i}→${(i + 1) % n}`;
}

/** Closed-segment intersection test: crossing, touching or overlapping all count. */
function segmentsTouch(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const d1 = Math.sign(cross(q1, q2, p1));
  const d2 = Math.sign(cross(q1, q2, p2));
  const d3 = Math.sign(cross(p1, p2, q1));
  const d4 = Math.sign(cross(p1, p2, q2));
  if (d1 !== d2 && d3 !== d4 && d1 !== 0 && d2 !== 0 && d3 !== 0 && d4 !== 0) return true;
  return (
    (d1 === 0 && onSegment(q1, q2, p1)) ||
    (d2 === 0 && onSegment(q1, q2, p2)) ||
    (d3 === 0 && onSegment(p1, p2, q1)) ||
    (d4 === 0 && onSegment(p1, p2, q2))
  );
}

/** z of (b - o) × (c - o): positive when o→b→c turns counter-clockwise. */
function cross(o: Point, b: Point, c: Point): number {
  return (b[0] - o[0]) * (c[1] - o[1]) - (b[1] - o[1]) * (c[0] - o[0]);
}

function dot(o: Point, b: Point, c: Point): number {
  return (b[0] - o[0]) * (c[0] - o[0]) + (b[1] - o[1]) * (c[1] - o[1]);
}

function onSegment(a: Point, b: Point, p: Point): boolean {
  return (
    Math.min(a[0], b[0]) <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= p[1] &&
    p[1] <= Math.max(a[1], b[1])
  );
}

function doubleArea(points: readonly Point[]): number {
  let sum = 0;
  for (let i = 0; i < points.length; i += 1) {
    const p = at(points, i);
    const q = at(points, (i + 1) % points.length);
    sum += p[0] * q[1] - q[0] * p[1];
  }
  return sum;
}

function samePoint(a: Point, b: Point): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

function at(points: readonly Point[], i: number): Point {
  const point = points[i];
  if (point === undefined) throw new RangeError(`polygon index ${i} out of range`);
  return point;
}

function show(p: Point): string {
  return `[${p[0]}, ${p[1]}]`;
}
