import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { NatsConnection, QueuedIterator } from '@nats-io/nats-core';
import { planAssignment } from './assignment.js';
import { pidAlive, provablyDead, selfIdentity, type HolderIdentity } from './holder-identity.js';
import { WORKER_KEYS, cameraKey, openLeaseBucket, workerKey } from './lease-bucket.js';
import type { LogSink } from '@shiriki/telemetry';

/** A lease this worker holds. `epoch` is the KV revision that created it: it grows with every new owner. */
export interface Lease {
  camera: string;
  epoch: number;
  acquiredAt: number;
}

export type ReleaseReason = 'rebalance' | 'lost' | 'stopping' | 'removed';

export interface CameraOwnershipOptions {
  /** Lease bucket from `openLeaseBucket`; its TTL must equal `ttlMs`. */
  kv: KV;
  /** Unique id of this worker (a KV key token: letters, digits, `-`, `_`). */
  workerId: string;
  cameras: readonly string[];
  /** Lease time to live; a dead worker's cameras move after at most this long. */
  ttlMs: number;
  /** How often leases are renewed and the plan recomputed; at most a third of `ttlMs`. */
  heartbeatMs: number;
  logger: LogSink;
  /** Called when this worker becomes the owner; start publishing for the camera. */
  onAcquire: (lease: Lease) => Promise<void> | void;
  /** Called before a lease is given up (or after it was lost); stop publishing before it returns. */
  onRelease: (lease: Lease, reason: ReleaseReason) => Promise<void> | void;
  /** Where this worker runs, written into its keys. Default: this process ({@link selfIdentity}). */
  identity?: HolderIdentity;
  /** Whether a pid of this host runs. Default: signal 0 ({@link pidAlive}). */
  pidAlive?: (pid: number) => boolean;
}

interface HeldLease extends Lease {
  revision: number;
  renewedAt: number;
}

export type OwnershipState = 'idle' | 'running' | 'stopping' | 'stopped';

/**
 * Keeps this worker's share of the cameras, leased through compare-and-set in a NATS KV bucket.
 *
 * Safety: a camera key is created only when absent, renewed only at the revision this worker wrote, and a
 * worker that has not renewed for `ttlMs - heartbeatMs` stops the camera itself, before the server lets the
 * key expire, so two workers never publish one camera at once while clocks run at the same rate.
 * Liveness: workers announce themselves under `worker.<id>` with the same TTL and all compute the same
 * balanced plan from that list, so a new worker gets a fair share and a dead worker's cameras move to the
 * survivors as soon as its keys expire.
 */
export class CameraOwnership {
  private readonly held = new Map<string, HeldLease>();
  /** Workers whose key the watch has seen alive. */
  private readonly knownWorkers = new Set<string>();
  private cameras: string[];
  private timer: NodeJS.Timeout | undefined;
  private watcher: QueuedIterator<KvWatchEntry> | undefined;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private _state: OwnershipState = 'idle';
  private readonly identity: HolderIdentity;
  private readonly alive: (pid: number) => boolean;

  /**
   * Opens (or creates) the role's lease bucket with the lease TTL and starts taking this worker's share:
   * what every worker that owns cameras does at start-up.
   */
  static async open(
    nc: NatsConnection,
    options: Omit<CameraOwnershipOptions, 'kv'> & { bucket: string; replicas?: number },
  ): Promise<CameraOwnership> {
    const { bucket, replicas, ...rest } = options;
    const kv = await openLeaseBucket(nc, { bucket, ttlMs: rest.ttlMs, replicas });
    const ownership = new CameraOwnership({ ...rest, kv });
    await ownership.start();
    return ownership;
  }

  constructor(private readonly options: CameraOwnershipOptions) {
    if (options.heartbeatMs * 3 > options.ttlMs) {
      throw new RangeError(
        `heartbeatMs (${options.heartbeatMs}) must be at most a third of ttlMs (${options.ttlMs})`,
      );
    }
    this.cameras = [...options.cameras];
    this.identity = options.identity ?? selfIdentity();
    this.alive = options.pidAlive ?? pidAlive;
  }

  get state(): OwnershipState {
    return this._state;
  }

  /** Leases held right now. */
  leases(): Lease[] {
    return [...this.held.values()].map(({ camera, epoch, acquiredAt }) => ({ camera, epoch, acquiredAt }));
  }

  async start(): Promise<void> {
    if (this._state !== 'idle') throw new Error(`cannot start ownership in state ${this._state}`);
    this._state = 'running';
    this.watcher = await this.options.kv.watch({ key: ['camera.*', WORKER_KEYS] });
    void this.consumeWatch(this.watcher);
    await this.tick();
    this.timer = setInterval(() => {
      // Fencing runs outside the serialised round so a round stuck on a slow NATS request cannot delay it.
      this.fenceStaleLeases();
      void this.tick();
    }, this.options.heartbeatMs);
  }

  /** Replaces the camera list (config reload); cameras no longer listed are released. */
  async setCameras(cameras: readonly string[]): Promise<void> {
    this.cameras = [...cameras];
    for (const lease of [...this.held.values()]) {
      if (!this.cameras.includes(lease.camera)) await this.release(lease, 'removed');
    }
    await this.tick();
  }

  /** Releases every lease (after `onRelease` stopped each camera) and withdraws this worker. */
  async stop(): Promise<void> {
    if (this._state !== 'running') return;
    this._state = 'stopping';
    clearInterval(this.timer);
    this.watcher?.stop();
    await this.ticking;
    await Promise.all([...this.held.values()].map((lease) => this.release(lease, 'stopping')));
    await this.options.kv.delete(workerKey(this.options.workerId)).catch(() => undefined);
    this._state = 'stopped';
  }

  private async consumeWatch(watcher: QueuedIterator<KvWatchEntry>): Promise<void> {
    try {
      for await (const entry of watcher) {
        // A lease freed or a worker gone or arrived: act now rather than at the next heartbeat.
        if (this.isNews(entry)) void this.tick();
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'lease watch ended');
    }
  }

  /**
   * Whether a watched change can alter what this worker should hold. Heartbeats (a known worker writing its
   * key again, this worker's own writes, lease renewals) are not news: reacting to them made every round
   * trigger the next one, an endless storm of KV writes that starved the heartbeat itself.
   */
  private isNews(entry: KvWatchEntry): boolean {
    if (entry.key.startsWith('worker.')) {
      const id = entry.key.slice('worker.'.length);
      const alive = entry.operation === 'PUT';
      const known = this.knownWorkers.has(id);
      if (alive) this.knownWorkers.add(id);
      else this.knownWorkers.delete(id);
      return entry.isUpdate && id !== this.options.workerId && alive !== known;
    }
    return entry.isUpdate && entry.operation !== 'PUT';
  }

  /** One round: renew, recompute the plan, release what belongs elsewhere, take what is ours. Serialised. */
  private async tick(): Promise<void> {
    if (this.ticking) {
      this.tickAgain = true;
      return this.ticking;
    }
    this.ticking = (async () => {
      do {
        this.tickAgain = false;
        if (this._state !== 'running') break;
        try {
          await this.round();
        } catch (error) {
          this.options.logger.warn({ err: error }, 'ownership round failed; retrying at next heartbeat');
        }
      } while (this.tickAgain);
    })();
    try {
      await this.ticking;
    } finally {
      this.ticking = undefined;
    }
  }

  private async round(): Promise<void> {
    const { kv, workerId } = this.options;
    await kv.put(
      workerKey(workerId),
      JSON.stringify({ id: workerId, at: Date.now(), leases: this.held.size, ...this.identity }),
    );
    await this.renewAll();
    const workers = await this.liveWorkers();
    const plan = planAssignment(this.cameras, workers);
    for (const lease of [...this.held.values()]) {
      const planned = plan.get(lease.camera);
      if (planned !== undefined && planned !== workerId) await this.release(lease, 'rebalance');
    }
    for (const camera of this.cameras) {
      if (plan.get(camera) === workerId && !this.held.has(camera)) await this.tryAcquire(camera);
    }
  }

  /**
   * Stops cameras whose lease was not renewed for `ttlMs - 2 * heartbeatMs`. Checked every heartbeat, so a
   * camera stops at the latest `ttlMs - heartbeatMs` after its last renewal, before the server can expire it.
   */
  private fenceStaleLeases(): void {
    const { ttlMs, heartbeatMs, logger } = this.options;
    const now = Date.now();
    for (const lease of [...this.held.values()]) {
      if (now - lease.renewedAt <= ttlMs - 2 * heartbeatMs) continue;
      logger.warn({ camera: lease.camera }, 'lease not renewed in time; stopping camera');
      this.held.delete(lease.camera);
      Promise.resolve(this.options.onRelease(lease, 'lost')).catch((error: unknown) =>
        logger.warn({ camera: lease.camera, err: error }, 'stopping a fenced camera failed'),
      );
    }
  }

  private async renewAll(): Promise<void> {
    for (const lease of [...this.held.values()]) {
      try {
        lease.revision = await this.options.kv.update(
          cameraKey(lease.camera),
          this.leaseValue(lease),
          lease.revision,
        );
        lease.renewedAt = Date.now();
      } catch (error) {
        this.options.logger.warn({ camera: lease.camera, err: error }, 'lease lost');
        this.held.delete(lease.camera);
        await this.options.onRelease(lease, 'lost');
      }
    }
  }

  /**
   * Workers whose key is alive. `kv.keys()` alone is not enough: it lists a key the server expired until the
   * expiry marker itself expires (it only recognises client-written DEL and PURGE, not the server's
   * `Nats-Marker-Reason` markers), which kept a dead worker in the plan for a second TTL.
   */
  private async liveWorkers(): Promise<string[]> {
    const { kv } = this.options;
    const keys: string[] = [];
    for await (const key of await kv.keys(WORKER_KEYS)) keys.push(key);
    const entries = await Promise.all(keys.map((key) => kv.get(key)));
    const workers: string[] = [];
    for (const [i, key] of keys.entries()) {
      const entry = entries[i];
      if (entry?.operation !== 'PUT') continue;
      if (this.diedHere(entry.value)) {
        // A worker of this host that died without a word: out of the plan now, not after its TTL.
        await kv.delete(key, { previousSeq: entry.revision }).catch(() => undefined);
        continue;
      }
      workers.push(key.slice('worker.'.length));
    }
    if (!workers.includes(this.options.workerId)) workers.push(this.options.workerId);
    return workers;
  }

  private async tryAcquire(camera: string): Promise<void> {
    const now = Date.now();
    const lease: HeldLease = { camera, epoch: 0, acquiredAt: now, renewedAt: now, revision: 0 };
    try {
      lease.revision = await this.options.kv.create(cameraKey(camera), this.leaseValue(lease));
    } catch {
      // Another worker still holds it and releases it when it sees the same plan, unless it died here.
      if (!(await this.takeFromTheDead(camera))) return;
      try {
        lease.revision = await this.options.kv.create(cameraKey(camera), this.leaseValue(lease));
      } catch {
        return;
      }
    }
    lease.epoch = lease.revision;
    this.held.set(camera, lease);
    this.options.logger.info({ camera, epoch: lease.epoch }, 'camera lease acquired');
    try {
      await this.options.onAcquire({ camera, epoch: lease.epoch, acquiredAt: lease.acquiredAt });
    } catch (error) {
      this.options.logger.warn({ camera, err: error }, 'camera failed to start; giving the lease back');
      await this.release(lease, 'lost');
    }
  }

  /** Whether a key's value names a process of this host that is gone. */
  private diedHere(value: Uint8Array): boolean {
    return provablyDead(parseHolder(value), this.identity, this.alive);
  }

  /** Deletes `camera`'s lease when its holder died on this host; true when it did. */
  private async takeFromTheDead(camera: string): Promise<boolean> {
    const entry = await this.options.kv.get(cameraKey(camera)).catch(() => null);
    if (entry?.operation !== 'PUT') return false;
    const holder = parseHolder(entry.value);
    if (!provablyDead(holder, this.identity, this.alive)) return false;
    try {
      await this.options.kv.delete(cameraKey(camera), { previousSeq: entry.revision });
    } catch {
      return false; // somebody else moved first
    }
    this.options.logger.info(
      { camera, holder: (holder as { owner?: string }).owner },
      'took over the lease of a worker that died on this host',
    );
    return true;
  }

  private async release(lease: HeldLease, reason: ReleaseReason): Promise<void> {
    this.held.delete(lease.camera);
    try {
      await this.options.onRelease(lease, reason);
    } finally {
      // Only after the camera stopped may another worker create the key; the revision guard keeps a
      // release that raced with expiry from deleting a lease somebody else created since.
      await this.options.kv
        .delete(cameraKey(lease.camera), { previousSeq: lease.revision })
        .catch(() => undefined);
      this.options.logger.info({ camera: lease.camera, epoch: lease.epoch, reason }, 'camera lease released');
    }
  }

  private leaseValue(lease: HeldLease): string {
    return JSON.stringify({
      owner: this.options.workerId,
      epoch: lease.epoch,
      acquired_at: lease.acquiredAt,
      ...this.identity,
    });
  }
}

/** A lease or worker key's JSON value, or undefined when it is not JSON. */
function parseHolder(value: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(value));
  } catch {
    return undefined;
  }
}
