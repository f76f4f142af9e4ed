import type { Box } from '@shiriki/geometry';

/**
 * Constant-velocity Kalman filter on the box centre and size (cx, cy, w, h), in pixels and seconds.
 *
 * Each of the four quantities has its own position/velocity pair with a continuous white-noise acceleration
 * model. With diagonal noise the full 8-state filter (as in SORT/DeepSORT) is block diagonal, so it is exactly
 * four independent 2-state filters; that keeps the update a handful of multiplications and no allocation.
 * Noise scales with the box height, so near and far objects are treated alike. Frames arrive at irregular
 * intervals (ingest publishes only some), so the time step comes from capture times; predicting across a gap
 * in one step equals predicting frame by frame, because this process-noise model composes exactly.
 *
 * Layout of `state` (length 20): for axis k in 0..3, `[4k] position, [4k+1] velocity (px/s),
 * [4k+2] var(position), [4k+3] cov(position, velocity)`, then `[16 + k] var(velocity)`.
 */
export const KALMAN_STATE_LENGTH = 20;

export interface KalmanNoise {
  /** Measurement standard deviation, as a fraction of the box height. */
  measurement: number;
  /** Acceleration standard deviation, box heights per second squared. */
  acceleration: number;
  /** Initial velocity standard deviation, box heights per second. */
  initialVelocity: number;
}

export const DEFAULT_KALMAN_NOISE: KalmanNoise = { measurement: 0.05, acceleration: 2, initialVelocity: 2 };

function scaleOf(box: Box): number {
  return Math.max(1, box[3] - box[1]);
}

export function kalmanInit(box: Box, noise: KalmanNoise, out = new Float64Array(KALMAN_STATE_LENGTH)) {
  const s = scaleOf(box);
  const r = (noise.measurement * s) ** 2;
  const v0 = (noise.initialVelocity * s) ** 2;
  for (let k = 0; k < 4; k += 1) {
    out[4 * k] =
      k === 0
        ? (box[0] + box[2]) / 2
        : k === 1
          ? (box[1] + box[3]) / 2
          : k === 2
            ? box[2] - box[0]
            : box[3] - box[1];
    out[4 * k + 1] = 0;
    out[4 * k + 2] = r;
    out[4 * k + 3] = 0;
    out[16 + k] = v0;
  }
  return out;
}

/** Predicts the state `dtS` seconds ahead in place (dtS >= 0). */
export function kalmanPredict(state: Float64Array, dtS: number, noise: KalmanNoise): void {
  if (dtS <= 0) return;
  const s = Math.max(1, state[12] ?? 1);
  const q = (noise.acceleration * s) ** 2;
  const dt2 = dtS * dtS;
  for (let k = 0; k < 4; k += 1) {
    const i = 4 * k;
    const a = state[i + 2] ?? 0;
    const b = state[i + 3] ?? 0;
    const c = state[16 + k] ?? 0;
    state[i] = (state[i] ?? 0) + (state[i + 1] ?? 0) * dtS;
    state[i + 2] = a + 2 * dtS * b + dt2 * c + (q * dt2 * dtS) / 3;
    state[i + 3] = b + dtS * c + (q * dt2) / 2;
    state[16 + k] = c + q * dtS;
  }
}

/** Corrects a predicted state in place with a measured box. */
export function kalmanUpdate(state: Float64Array, box: Box, noise: KalmanNoise): void {
  const r = (noise.measurement * scaleOf(box)) ** 2;
  const z0 = (box[0] + box[2]) / 2;
  const z1 = (box[1] + box[3]) / 2;
  const z2 = box[2] - box[0];
  const z3 = box[3] - box[1];
  for (let k = 0; k < 4; k += 1) {
    const i = 4 * k;
    const z = k === 0 ? z0 : k === 1 ? z1 : k === 2 ? z2 : z3;
    const a = state[i + 2] ?? 0;
    const b = state[i + 3] ?? 0;
    const c = state[16 + k] ?? 0;
    const sInv = 1 / (a + r);
    const k0 = a * sInv;
    const k1 = b * sInv;
    const y = z - (state[i] ?? 0);
    state[i] = (state[i] ?? 0) + k0 * y;
    state[i + 1] = (state[i + 1] ?? 0) + k1 * y;
    state[i + 2] = (1 - k0) * a;
    state[i + 3] = (1 - k0) * b;
    state[16 + k] = c - k1 * b;
  }
}

/** The box of a state after `dtS` seconds without changing the state. */
export function kalmanPredictedBox(state: Float64Array, dtS: number): Box {
  const dt = Math.max(0, dtS);
  const cx = (state[0] ?? 0) + (state[1] ?? 0) * dt;
  const cy = (state[4] ?? 0) + (state[5] ?? 0) * dt;
  const w = Math.max(1, (state[8] ?? 0) + (state[9] ?? 0) * dt);
  const h = Math.max(1, (state[12] ?? 0) + (state[13] ?? 0) * dt);
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

/** Velocity of the box centre in pixels per second. */
export function kalmanVelocity(state: Float64Array): readonly [vx: number, vy: number] {
  return [state[1] ?? 0, state[5] ?? 0];
}
