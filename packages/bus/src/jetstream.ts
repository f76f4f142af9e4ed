import { isDeepStrictEqual } from 'node:util';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamClient,
  type JetStreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos } from '@nats-io/nats-core';
import { JetStreamConfigConflictError } from './errors.js';
import type { StreamSpec } from './streams.js';

export type EnsureAction = 'created' | 'updated' | 'unchanged';

export interface EnsureResult<I> {
  action: EnsureAction;
  /** Fields that differed and were updated. */
  changed: string[];
  info: I;
}

/** A consumer config with its durable name. */
export type ConsumerSpec = Partial<ConsumerConfig> & { durable_name: string };

const IMMUTABLE_STREAM_FIELDS = ['storage', 'retention', 'max_consumers', 'first_seq'] as const;
const IMMUTABLE_CONSUMER_FIELDS = [
  'ack_policy',
  'deliver_policy',
  'opt_start_seq',
  'opt_start_time',
  'replay_policy',
  'deliver_group',
] as const;

/**
 * Creates the stream if it is missing, updates the fields of `spec` that differ from the server's config,
 * and leaves it alone when they all match. Fields `spec` leaves out are never touched. Throws
 * {@link JetStreamConfigConflictError} when a field the server cannot update differs.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  spec: StreamSpec,
): Promise<EnsureResult<StreamInfo>> {
  const current = await orUndefinedIfMissing(jsm.streams.info(spec.name), JetStreamApiCodes.StreamNotFound);
  if (!current) return { action: 'created', changed: [], info: await jsm.streams.add(spec) };
  const changed = differingFields(spec, current.config, ['name']);
  if (changed.length === 0) return { action: 'unchanged', changed, info: current };
  const immutable = changed.filter((field) => (IMMUTABLE_STREAM_FIELDS as readonly string[]).includes(field));
  if (immutable.length > 0) throw new JetStreamConfigConflictError(`stream ${spec.name}`, immutable);
  const update = Object.fromEntries(changed.map((field) => [field, spec[field as keyof StreamSpec]]));
  return { action: 'updated', changed, info: await jsm.streams.update(spec.name, update) };
}

/** Same as {@link ensureStream} for a durable consumer on `stream`. */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  spec: ConsumerSpec,
): Promise<EnsureResult<ConsumerInfo>> {
  const name = spec.durable_name;
  const current = await orUndefinedIfMissing(
    jsm.consumers.info(stream, name),
    JetStreamApiCodes.ConsumerNotFound,
  );
  if (!current) return { action: 'created', changed: [], info: await jsm.consumers.add(stream, spec) };
  const changed = differingFields(spec, current.config, ['durable_name', 'name']);
  if (changed.length === 0) return { action: 'unchanged', changed, info: current };
  const immutable = changed.filter((field) =>
    (IMMUTABLE_CONSUMER_FIELDS as readonly string[]).includes(field),
  );
  if (immutable.length > 0) throw new JetStreamConfigConflictError(`consumer ${stream}/${name}`, immutable);
  const update = Object.fromEntries(changed.map((field) => [field, spec[field as keyof ConsumerSpec]]));
  return { action: 'updated', changed, info: await jsm.consumers.update(stream, name, update) };
}

export interface KvSpec {
  /** How long a value lives; 0 keeps values forever. */
  ttlMs?: number;
  /** Values kept per key. */
  history?: number;
  replicas?: number;
  /** Largest value in bytes; -1 for no limit. */
  maxValueSize?: number;
}

export const KV_DEFAULTS = {
  ttlMs: 0,
  history: 1,
  replicas: 1,
  maxValueSize: -1,
} as const satisfies Required<KvSpec>;

/**
 * Opens the KV bucket, creating it if missing and bringing TTL, history, replicas and value size in line
 * with `spec` if it exists with other limits.
 */
export async function ensureKv(js: JetStreamClient, bucket: string, spec: KvSpec = {}): Promise<KV> {
  const { ttlMs, history, replicas, maxValueSize } = { ...KV_DEFAULTS, ...spec };
  const kv = await new Kvm(js).create(bucket, { ttl: ttlMs, history, replicas, maxValueSize });
  await ensureStream(await js.jetstreamManager(), {
    name: `KV_${bucket}`,
    max_age: nanos(ttlMs),
    max_msgs_per_subject: history,
    num_replicas: replicas,
    max_msg_size: maxValueSize,
  });
  return kv;
}

function differingFields<T extends object>(wanted: T, current: object, ignore: readonly string[]): string[] {
  const have = current as Record<string, unknown>;
  return Object.entries(wanted)
    .filter(([field, value]) => value !== undefined && !ignore.includes(field))
    .filter(([field, value]) => !isDeepStrictEqual(value, have[field]))
    .map(([field]) => field);
}

async function orUndefinedIfMissing<T>(request: Promise<T>, notFoundCode: number): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === notFoundCode) return undefined;
    throw error;
  }
}
