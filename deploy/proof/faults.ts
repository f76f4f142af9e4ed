// The faults the proof injects, one at a time, each inside a person event. Each returns when the stack has
// recovered: the process is back (or the server returned) and every camera reports itself streaming again.
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { sleep, waitFor } from '@shiriki/testing';
import type { ProofCamera } from './cameras.js';
import type { ProofStack, UpChild } from './stack.js';

export interface FaultContext {
  stack: ProofStack;
  cameras: ProofCamera[];
  /** When each camera last reported itself streaming (epoch ms). */
  lastStreaming: Map<string, number>;
  /** The ingest instance that last reported each camera streaming. */
  owners: Map<string, string>;
  /** When the latest clip was announced (epoch ms). */
  lastClipAt: () => number;
  /** How long MinIO and go2rtc stay away. */
  outageMs: { minio: number; go2rtc: number; disk: number };
  /** The recovery time each fault must stay within. */
  recoveryBoundMs: number;
}

export interface FaultRecord {
  fault: FaultName;
  /** When the fault was injected (epoch ms). */
  at: number;
  /** When the fault was lifted: the kill itself, or the end of an outage. */
  liftedAt: number;
  /** Lifted -> recovered (ms). */
  recoveryMs: number;
  /** A span in which cameras could not be seen at all. */
  blind?: { from: number; to: number };
  /** What else the fault showed (e.g. who took over a killed ingest's cameras). */
  note?: string;
}

export const FAULTS = [
  'detector kill -9',
  'tracker kill -9',
  'recorder kill -9',
  'ingest kill -9',
  'api kill -9',
  'nats-server kill -9',
  'MinIO stopped',
  'go2rtc stopped',
  'recorder disk full',
] as const;
export type FaultName = (typeof FAULTS)[number];

const KILLED: Partial<Record<FaultName, UpChild>> = {
  'detector kill -9': 'detector',
  'tracker kill -9': 'tracker',
  'recorder kill -9': 'recorder',
  'api kill -9': 'api',
  'nats-server kill -9': 'nats',
};

export async function inject(fault: FaultName, ctx: FaultContext): Promise<FaultRecord> {
  const child = KILLED[fault];
  if (child) return killChild(fault, child, ctx);
  if (fault === 'ingest kill -9') return ingestFailover(ctx);
  if (fault === 'MinIO stopped') return minioOutage(ctx);
  if (fault === 'recorder disk full') return diskFull(ctx);
  return go2rtcOutage(ctx);
}

async function killChild(fault: FaultName, child: UpChild, ctx: FaultContext): Promise<FaultRecord> {
  const since = ctx.stack.output().length;
  const pid = ctx.stack.pidOf(child);
  const at = Date.now();
  process.kill(pid, 'SIGKILL');
  const back = await ctx.stack.back(child, since, ctx.recoveryBoundMs * 2);
  const flowing = await camerasStreaming(ctx, back);
  return { fault, at, liftedAt: at, recoveryMs: Math.max(back, flowing) - at };
}

/**
 * Kills the ingest that owns the first camera, with a second ingest running: its cameras stream again once
 * their leases expire and another ingest (the second, or `up`'s restarted one) takes them.
 */
async function ingestFailover(ctx: FaultContext): Promise<FaultRecord> {
  const victim = ctx.owners.get(ctx.cameras[0]!.name);
  // Instance ids are `<host>-<pid>-<random>`.
  const pid = Number(victim?.split('-').at(-2));
  if (!victim || !Number.isInteger(pid)) throw new Error(`no ingest owner known for ${ctx.cameras[0]!.name}`);
  const moved = ctx.cameras.filter((c) => ctx.owners.get(c.name) === victim);
  const at = Date.now();
  process.kill(pid, 'SIGKILL');
  await waitFor(
    () => moved.every((c) => ctx.owners.get(c.name) !== victim && (ctx.lastStreaming.get(c.name) ?? 0) > at),
    { what: 'the killed ingest cameras streaming from another ingest', timeoutMs: ctx.recoveryBoundMs * 2 },
  );
  const recovered = Math.max(...moved.map((c) => ctx.lastStreaming.get(c.name) ?? 0));
  const takers = [...new Set(moved.map((c) => ctx.owners.get(c.name)))];
  return {
    fault: 'ingest kill -9',
    at,
    liftedAt: at,
    recoveryMs: recovered - at,
    note: `${moved.length} camera(s) moved from ${victim} to ${takers.join(', ')}`,
  };
}

async function minioOutage(ctx: FaultContext): Promise<FaultRecord> {
  const at = Date.now();
  await ctx.stack.minio.stop();
  await sleep(ctx.outageMs.minio);
  await ctx.stack.minio.start();
  const liftedAt = Date.now();
  // The clips of events that ended while the store was away are the ones waiting: the first to arrive shows
  // the recorder found the store again.
  return { fault: 'MinIO stopped', at, liftedAt, recoveryMs: (await clipAfter(ctx, liftedAt)) - liftedAt };
}

/** Keeps the recorder's disk (ring and spool) full to the last byte for the outage, then frees it. */
async function diskFull(ctx: FaultContext): Promise<FaultRecord> {
  const filler = join(ctx.stack.diskDir, 'filler');
  const at = Date.now();
  const handle = await open(filler, 'a');
  try {
    // The ring deletes old segments meanwhile: what they free is taken again at once.
    while (Date.now() - at < ctx.outageMs.disk) {
      await fillUp(handle);
      await sleep(100);
    }
  } finally {
    await handle.close();
  }
  await rm(filler);
  const liftedAt = Date.now();
  return {
    fault: 'recorder disk full',
    at,
    liftedAt,
    recoveryMs: (await clipAfter(ctx, liftedAt)) - liftedAt,
  };
}

/** Appends to `handle` until the disk refuses. */
async function fillUp(handle: FileHandle): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) await handle.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}

/** When the first clip after `since` was stored. */
async function clipAfter(ctx: FaultContext, since: number): Promise<number> {
  await waitFor(() => ctx.lastClipAt() > since, {
    what: 'a clip stored after the fault was lifted',
    timeoutMs: ctx.recoveryBoundMs * 4,
    intervalMs: 100,
  });
  return ctx.lastClipAt();
}

async function go2rtcOutage(ctx: FaultContext): Promise<FaultRecord> {
  const at = Date.now();
  await ctx.stack.go2rtc.stop();
  await sleep(ctx.outageMs.go2rtc);
  await ctx.stack.go2rtc.start();
  const liftedAt = Date.now();
  await Promise.all(ctx.cameras.map((camera) => camera.running()));
  const flowing = await camerasStreaming(ctx, Date.now());
  // Blind until ingest streams again: an appearance before that was never in front of shiriki.
  return {
    fault: 'go2rtc stopped',
    at,
    liftedAt,
    recoveryMs: flowing - liftedAt,
    blind: { from: at, to: flowing },
  };
}

/** When every camera has reported itself streaming after `since`. */
async function camerasStreaming(ctx: FaultContext, since: number): Promise<number> {
  await waitFor(() => ctx.cameras.every((c) => (ctx.lastStreaming.get(c.name) ?? 0) > since), {
    what: 'every camera streaming',
    timeoutMs: ctx.recoveryBoundMs * 2,
    intervalMs: 50,
  });
  return Math.max(...ctx.cameras.map((c) => ctx.lastStreaming.get(c.name) ?? 0));
}
