/**
 * Busy time over wall time for a worker with `slots` parallel slots. `sample()` returns the ratio since the
 * previous sample (in-progress work counted up to now) and starts a new window.
 */
export class BusyMeter {
  private windowStart: number;
  private busyMs = 0;
  private readonly startedAt = new Map<number, number>();

  constructor(
    private readonly slots: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.windowStart = now();
  }

  begin(slot: number): void {
    this.startedAt.set(slot, this.now());
  }

  end(slot: number): void {
    const started = this.startedAt.get(slot);
    if (started === undefined) return;
    this.startedAt.delete(slot);
    this.busyMs += this.now() - Math.max(started, this.windowStart);
  }

  sample(): number {
    const now = this.now();
    let busy = this.busyMs;
    for (const [slot, started] of this.startedAt) {
      busy += now - Math.max(started, this.windowStart);
      this.startedAt.set(slot, now);
    }
    const wall = (now - this.windowStart) * this.slots;
    this.windowStart = now;
    this.busyMs = 0;
    return wall > 0 ? Math.min(1, busy / wall) : 0;
  }
}
