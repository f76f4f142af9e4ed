/**
 * Minimum-cost assignment (Hungarian method with potentials, O(n^3)) on a rows x cols cost matrix stored
 * row-major. Returns, for each row, the assigned column or -1. Rectangular inputs are padded with `padCost`,
 * so every real row gets a real column only when that is cheaper overall than leaving both unassigned.
 * Scratch arrays are reused between calls; one instance is not reentrant.
 */
export class HungarianSolver {
  private u = new Float64Array(0);
  private v = new Float64Array(0);
  private minv = new Float64Array(0);
  private p = new Int32Array(0);
  private way = new Int32Array(0);
  private used = new Uint8Array(0);

  solve(cost: Float64Array, rows: number, cols: number, padCost: number, out: Int32Array): Int32Array {
    out.fill(-1, 0, rows);
    if (rows === 0 || cols === 0) return out;
    const n = Math.max(rows, cols);
    this.ensure(n + 1);
    const { u, v, minv, p, way, used } = this;
    u.fill(0, 0, n + 1);
    v.fill(0, 0, n + 1);
    p.fill(0, 0, n + 1);
    way.fill(0, 0, n + 1);
    const at = (i: number, j: number): number =>
      i <= rows && j <= cols ? (cost[(i - 1) * cols + (j - 1)] ?? padCost) : padCost;
    for (let i = 1; i <= n; i += 1) {
      p[0] = i;
      let j0 = 0;
      minv.fill(Infinity, 0, n + 1);
      used.fill(0, 0, n + 1);
      do {
        used[j0] = 1;
        const i0 = p[j0] ?? 0;
        let delta = Infinity;
        let j1 = 0;
        for (let j = 1; j <= n; j += 1) {
          if (used[j] === 1) continue;
          const cur = at(i0, j) - (u[i0] ?? 0) - (v[j] ?? 0);
          if (cur < (minv[j] ?? Infinity)) {
            minv[j] = cur;
            way[j] = j0;
          }
          if ((minv[j] ?? Infinity) < delta) {
            delta = minv[j] ?? Infinity;
            j1 = j;
          }
        }
        for (let j = 0; j <= n; j += 1) {
          if (used[j] === 1) {
            const pj = p[j] ?? 0;
            u[pj] = (u[pj] ?? 0) + delta;
            v[j] = (v[j] ?? 0) - delta;
          } else {
            minv[j] = (minv[j] ?? 0) - delta;
          }
        }
        j0 = j1;
      } while ((p[j0] ?? 0) !== 0);
      do {
        const j1 = way[j0] ?? 0;
        p[j0] = p[j1] ?? 0;
        j0 = j1;
      } while (j0 !== 0);
    }
    for (let j = 1; j <= cols; j += 1) {
      const i = p[j] ?? 0;
      if (i >= 1 && i <= rows) out[i - 1] = j - 1;
    }
    return out;
  }

  private ensure(size: number): void {
    if (this.u.length >= size) return;
    this.u = new Float64Array(size);
    this.v = new Float64Array(size);
    this.minv = new Float64Array(size);
    this.p = new Int32Array(size);
    this.way = new Int32Array(size);
    this.used = new Uint8Array(size);
  }
}
