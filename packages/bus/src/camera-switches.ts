import type { KV, KvEntry } from '@nats-io/kv';
import type { JetStreamClient } from '@nats-io/jetstream';
import { decodeJson, encodeJson } from './json-codec.js';
import { ensureKv } from './jetstream.js';
import {
  CameraSwitchesSchema,
  type CameraSwitch,
  type CameraSwitches,
  type SwitchStates,
} from './messages/camera-switches.js';

/** Turning motion off while detection is on: detection is gated by motion (Frigate refuses it too). */
export class SwitchConflictError extends Error {
  override readonly name = 'SwitchConflictError';
  constructor(
    readonly camera: string,
    readonly change: Partial<SwitchStates>,
  ) {
    super(`camera ${camera}: motion cannot be off while detect is on; turn detect off first`);
  }
}

/**
 * The cameras' run-time switches, in a KV bucket every service watches: the MQTT bridge and the api set them,
 * ingest (detect, motion), tracker (snapshots) and recorder (recordings) follow them. A camera without an
 * entry runs as its config says (`defaults`). The bucket is file-backed, so switches survive a restart.
 */
export class CameraSwitchBoard {
  private constructor(
    private readonly kv: KV,
    private readonly defaults: (camera: string) => SwitchStates,
  ) {}

  static async open(
    js: JetStreamClient,
    bucket: string,
    defaults: (camera: string) => SwitchStates,
    replicas = 1,
  ): Promise<CameraSwitchBoard> {
    return new CameraSwitchBoard(await ensureKv(js, bucket, { replicas }), defaults);
  }

  /** The camera's switches now: the stored ones, else its config's. */
  async get(camera: string): Promise<SwitchStates> {
    const entry = await this.kv.get(camera);
    return this.fromEntry(camera, entry);
  }

  /** Changes some switches; the others keep their current state. Rejects motion off while detect stays on. */
  async set(camera: string, change: Partial<SwitchStates>, by: string): Promise<SwitchStates> {
    const next = { ...(await this.get(camera)), ...change };
    if (change.motion === false && next.detect) throw new SwitchConflictError(camera, change);
    const value: CameraSwitches = { ...next, updated_at: Date.now(), updated_by: by };
    await this.kv.put(camera, encodeJson(CameraSwitchesSchema, value));
    return statesOf(value);
  }

  /**
   * Calls `onChange` with every camera's stored switches, then on every change, until the returned stop is
   * called. An entry that does not decode is skipped (the camera keeps its last state).
   */
  async watch(onChange: (camera: string, states: SwitchStates) => void): Promise<() => void> {
    const iterator = await this.kv.watch();
    void (async () => {
      for await (const entry of iterator) {
        if (entry.operation !== 'PUT') {
          onChange(entry.key, this.defaults(entry.key));
          continue;
        }
        try {
          onChange(entry.key, statesOf(decodeJson(CameraSwitchesSchema, entry.value)));
        } catch {
          // Written by something else; the camera keeps what it had.
        }
      }
    })();
    return () => iterator.stop();
  }

  private fromEntry(camera: string, entry: KvEntry | null): SwitchStates {
    if (!entry || entry.operation !== 'PUT') return this.defaults(camera);
    try {
      return statesOf(decodeJson(CameraSwitchesSchema, entry.value));
    } catch {
      return this.defaults(camera);
    }
  }
}

function statesOf(value: SwitchStates): SwitchStates {
  return {
    detect: value.detect,
    motion: value.motion,
    recordings: value.recordings,
    snapshots: value.snapshots,
  };
}

/** `ON` / `OFF` as Frigate's switches take them; undefined for anything else. */
export function parseSwitchPayload(payload: string): boolean | undefined {
  const text = payload.trim().toUpperCase();
  return text === 'ON' ? true : text === 'OFF' ? false : undefined;
}

export type { CameraSwitch };
