import type { ObjectEvent } from '@shiriki/bus';

/** One count topic's new value: `zone` undefined for the camera as a whole; `label` may be `all`. */
export interface CountChange {
  zone: string | undefined;
  label: string;
  count: number;
}

interface ActiveObject {
  label: string;
  zones: readonly string[];
}

/**
 * The objects in view on one camera, fed with its object events, and the counts Frigate publishes from them:
 * per label and `all`, on the camera and in each zone. `apply` returns only the counts that changed, and a
 * label once seen keeps being reported (down to 0), so a retained count never stays stuck above zero.
 */
export class ActiveObjects {
  readonly #objects = new Map<string, ActiveObject>();
  readonly #published = new Map<string, number>();
  readonly #labels: Set<string>;

  constructor(
    labels: readonly string[],
    private readonly zones: readonly string[],
  ) {
    this.#labels = new Set([...labels, 'all']);
  }

  apply(event: ObjectEvent): CountChange[] {
    this.#labels.add(event.label);
    if (event.type === 'end') this.#objects.delete(event.id);
    else this.#objects.set(event.id, { label: event.label, zones: event.zones.slice() });
    return this.changes();
  }

  /** Every count, whether it changed or not (after a reconnect, or at start: all zero). */
  all(): CountChange[] {
    return this.current().map(([key, change]) => {
      this.#published.set(key, change.count);
      return change;
    });
  }

  private changes(): CountChange[] {
    const changed: CountChange[] = [];
    for (const [key, change] of this.current()) {
      if (this.#published.get(key) === change.count) continue;
      this.#published.set(key, change.count);
      changed.push(change);
    }
    return changed;
  }

  private current(): [string, CountChange][] {
    const labels = this.#labels;
    const counts: [string, CountChange][] = [];
    for (const zone of [undefined, ...this.zones]) {
      for (const label of labels) {
        let count = 0;
        for (const object of this.#objects.values()) {
          if (label !== 'all' && object.label !== label) continue;
          if (zone !== undefined && !object.zones.includes(zone)) continue;
          count++;
        }
        counts.push([`${zone ?? ''}/${label}`, { zone, label, count }]);
      }
    }
    return counts;
  }
}
