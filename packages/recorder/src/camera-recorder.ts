import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import {
  ClipReadySchema,
  ObjectEventSchema,
  decodeJson,
  ensureConsumer,
  type Bus,
  type ClipReady,
  type ObjectEvent,
  type Subjects,
} from '@shiriki/bus';
import type { CameraConfig } from '@shiriki/config';
import { eventObjectKeys, type ObjectStore } from '@shiriki/storage';
import type { Logger } from '@shiriki/telemetry';
import { ClipCutError, NoFootageError, cutClip } from './clip-cutter.js';
import { clipParts, partClipKey, type ClipPart } from './clip-window.js';
import type { ClipDelivery } from './delivery.js';
import type { RecorderMetrics } from './metrics.js';
import { ContinuousUploader } from './continuous-uploader.js';
import { snapshotLiveSegment } from './live-segment.js';
import type { Segment } from './segment-file.js';
import { SegmentRing } from './segment-ring.js';
import { Segmenter } from './segmenter.js';
import type { ClipJob } from './spool.js';

export interface CameraRecorderOptions {
  camera: CameraConfig;
  /** `rtsp://<go2rtc>:8554/<camera>`. */
  inputUrl: string;
  bus: Bus;
  subjects: Subjects;
  store: ObjectStore;
  delivery: ClipDelivery;
  /** Publishes a ClipReady, idempotent per message id. */
  publishClipReady: (clipReady: ClipReady, msgId: string) => Promise<void>;
  /** Scratch directory for clips being cut, on the spool's file system. */
  workDir: string;
  ffmpegPath: string;
  instanceId: string;
  logger: Logger;
  metrics: RecorderMetrics;
  /** JetStream ack wait of the camera's consumer; `working()` is sent every third of it. */
  ackWaitMs: number;
  /** How long past a clip window's end the recorder waits for footage before cutting what it has. */
  footageGraceMs: number;
  /** How long `stop()` lets clips in progress finish before handing their events back. */
  stopGraceMs: number;
  /** The camera's `recordings` switch: an event that ends while it is off gets no clip. Default: always on. */
  recordingsEnabled?: () => boolean;
}

interface OpenEvent {
  event: ObjectEvent;
  done: Set<number>;
}

class StoppingError extends Error {
  override readonly name = 'StoppingError';
}

/** Durable consumer name of a camera's events: `recorder_<camera>`. */
export const recorderConsumerName = (camera: string): string => `recorder_${camera}`;

/**
 * Records one owned camera: the segmenter fills the ring, and a durable per-camera consumer of the event
 * stream turns every `end` event into a clip. An event is acked only once its clip is in the store and
 * announced, or safely in the spool. Open events longer than `max_clip_seconds` get their full parts cut
 * while they run, so the ring never has to hold more than one part. With `record.continuous` every segment
 * is uploaded as well, in MP4 chunks ({@link ContinuousUploader}).
 */
export class CameraRecorder {
  readonly ring: SegmentRing;
  readonly segmenter: Segmenter;
  /** Uploads all footage when `record.continuous` is on. */
  readonly continuous: ContinuousUploader | undefined;
  readonly #open = new Map<string, OpenEvent>();
  readonly #partWork = new Map<string, Promise<void>>();
  readonly #inflight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #messages: ConsumerMessages | undefined;
  #consuming: Promise<void> | undefined;
  #openTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly options: CameraRecorderOptions) {
    const { camera, logger, metrics } = options;
    const name = camera.name;
    this.ring = new SegmentRing({
      dir: join(camera.record.ring_dir, name),
      maxSeconds: camera.record.ring.max_seconds,
      maxBytes: camera.record.ring.max_bytes,
      logger,
      onChange: (ring) => {
        metrics.ringBytes.set({ camera: name }, ring.bytes);
        metrics.ringSeconds.set({ camera: name }, ring.seconds);
      },
    });
    this.segmenter = new Segmenter({
      camera: name,
      inputUrl: options.inputUrl,
      ring: this.ring,
      segmentSeconds: camera.record.segment_seconds,
      ffmpegPath: options.ffmpegPath,
      logger,
      onSegment: () => {
        metrics.segments.inc({ camera: name });
        void this.continuous?.onSegment();
      },
      onRestart: () => metrics.segmenterRestarts.inc({ camera: name }),
    });
    this.continuous = camera.record.continuous
      ? new ContinuousUploader({
          camera: name,
          ring: this.ring,
          store: options.store,
          ffmpegPath: options.ffmpegPath,
          workDir: options.workDir,
          chunkSeconds: camera.record.continuous_chunk_seconds,
          logger,
          metrics,
        })
      : undefined;
  }

  get camera(): string {
    return this.options.camera.name;
  }

  async start(): Promise<void> {
    await this.ring.open();
    await this.continuous?.open();
    this.segmenter.start();
    const { bus, subjects } = this.options;
    const durable = await this.#ensureConsumer();
    const consumer = await bus.js.consumers.get(subjects.streams.events, durable);
    const messages = await consumer.consume({ max_messages: 64 });
    this.#messages = messages;
    this.#consuming = (async () => {
      for await (const msg of messages) this.#track(this.#handle(msg));
    })().catch((error: unknown) => {
      if (!this.#stopped) this.options.logger.error({ err: error }, 'event consumer ended');
    });
    this.#openTimer = setInterval(() => this.#cutOpenParts(), 1000);
  }

  /**
   * Stops taking events, lets clips in progress finish for up to `stopGraceMs` (the segmenter keeps
   * recording meanwhile), hands the rest back (nak), then stops ffmpeg.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#openTimer);
    await this.#messages?.close().catch(() => undefined);
    await this.#consuming;
    await settledWithin(Promise.allSettled([...this.#inflight]), this.options.stopGraceMs);
    this.#abort.abort();
    await Promise.allSettled([...this.#inflight]);
    await this.segmenter.stop();
    // The rest of the footage, so a camera that moves to another recorder leaves nothing behind here.
    if (this.continuous) await settledWithin(this.continuous.flush(), this.options.stopGraceMs);
  }

  async #ensureConsumer(): Promise<string> {
    const { bus, subjects, ackWaitMs, camera } = this.options;
    const durable = recorderConsumerName(camera.name);
    const stream = subjects.streams.events;
    const mutable = {
      durable_name: durable,
      filter_subject: subjects.eventsForCamera(camera.name),
      ack_wait: nanos(ackWaitMs),
      max_ack_pending: 256,
    };
    try {
      await bus.jsm.consumers.info(stream, durable);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound)
        throw error;
      // First start: only events whose footage can still be in the ring, not the stream's whole history.
      const since = new Date(Date.now() - camera.record.ring.max_seconds * 1000).toISOString();
      try {
        await bus.jsm.consumers.add(stream, {
          ...mutable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.StartTime,
          opt_start_time: since,
        });
        return durable;
      } catch (addError) {
        // Another recorder created it at the same moment.
        await bus.jsm.consumers.info(stream, durable).catch(() => {
          throw addError;
        });
      }
    }
    await ensureConsumer(bus.jsm, stream, mutable);
    return durable;
  }

  #track(work: Promise<void>): void {
    this.#inflight.add(work);
    void work.finally(() => this.#inflight.delete(work));
  }

  async #handle(msg: JsMsg): Promise<void> {
    const { logger, metrics, ackWaitMs } = this.options;
    let event: ObjectEvent;
    try {
      event = decodeJson(ObjectEventSchema, msg.data);
    } catch (error) {
      metrics.failures.inc({ camera: this.camera, reason: 'invalid_event' });
      logger.warn({ err: error, subject: msg.subject }, 'invalid object event dropped');
      msg.term();
      return;
    }
    if (event.type !== 'end') {
      if (!this.#open.has(event.id)) this.#open.set(event.id, { event, done: new Set() });
      else this.#open.get(event.id)!.event = event;
      msg.ack();
      return;
    }
    const open = this.#open.get(event.id);
    this.#open.delete(event.id);
    if (this.options.recordingsEnabled?.() === false) {
      logger.info({ eventId: event.id }, 'recordings are switched off: no clip for this event');
      msg.ack();
      return;
    }
    const heartbeat = setInterval(() => msg.working(), Math.max(1000, Math.floor(ackWaitMs / 3)));
    try {
      await this.#recordEvent(event, open?.done ?? new Set(), msg.info.deliveryCount > 1);
      msg.ack();
    } catch (error) {
      if (error instanceof StoppingError) {
        msg.nak();
        return;
      }
      const attempt = msg.info.deliveryCount;
      metrics.failures.inc({
        camera: this.camera,
        reason: error instanceof ClipCutError ? 'cut' : 'deliver',
      });
      logger.error({ err: error, eventId: event.id, attempt }, 'clip failed; will retry');
      msg.nak(Math.min(60_000, 2_000 * attempt));
    } finally {
      clearInterval(heartbeat);
    }
  }

  #capture(label: string): { pre: number; post: number } {
    const record = this.options.camera.record;
    const window = record.labels[label];
    return {
      pre: window?.pre_capture ?? record.pre_capture,
      post: window?.post_capture ?? record.post_capture,
    };
  }

  async #recordEvent(event: ObjectEvent, done: Set<number>, redelivered: boolean): Promise<void> {
    const { pre, post } = this.#capture(event.label);
    const parts = clipParts({
      eventStartMs: event.start_time,
      eventEndMs: event.end_time ?? event.frame_time ?? event.start_time,
      preCaptureS: pre,
      postCaptureS: post,
      maxClipSeconds: this.options.camera.record.max_clip_seconds,
    });
    for (const part of parts) {
      await this.#partWork.get(`${event.id}/${part.part}`)?.catch(() => undefined);
      if (done.has(part.part)) continue;
      if ((redelivered || part.part < parts.length) && (await this.#republishExisting(event, part))) continue;
      await this.#cutAndDeliver(event, part, parts.length);
    }
  }

  /** After a crash between upload and ack: the clip is in the store, so announce it again instead of recutting. */
  async #republishExisting(event: ObjectEvent, part: ClipPart): Promise<boolean> {
    const { store, publishClipReady } = this.options;
    const keys = eventObjectKeys(this.camera, event.start_time, event.id);
    const existing = await store.stat(partClipKey(keys.clip, part.part)).catch(() => undefined);
    const stored = existing?.metadata['clip-ready'];
    if (!stored) return false;
    try {
      const clipReady = ClipReadySchema.parse(JSON.parse(stored));
      if (clipReady.event_id !== event.id) return false;
      await publishClipReady(clipReady, clipMessageId(event.id, part.part));
      return true;
    } catch {
      return false;
    }
  }

  async #cutAndDeliver(event: ObjectEvent, part: ClipPart, partsTotal: number | undefined): Promise<void> {
    const o = this.options;
    const record = o.camera.record;
    const segmentMs = record.segment_seconds * 1000;
    const waitMs = part.endMs - Date.now() + o.footageGraceMs;
    await this.ring.waitFor(part.endMs, waitMs, this.#abort.signal);
    if (this.#abort.signal.aborted) throw new StoppingError('camera stopping');
    // The live segment first: if it is finished meanwhile, the ring lists it and the snapshot is not used.
    const live = await this.#snapshotLiveUntil(part.endMs);
    // Cover the window from the segment holding its start (keyframe granularity).
    const segments = this.ring.covering(part.startMs, part.endMs);
    const release = this.ring.pin(segments);
    const lastEnd = segments.at(-1)?.endMs ?? Number.NEGATIVE_INFINITY;
    if (live && live.startMs >= lastEnd - 1000 && live.endMs > lastEnd) {
      segments.push(live);
    }
    const outPath = join(
      o.workDir,
      `${this.camera}-${event.id}-${part.part}-${randomBytes(3).toString('hex')}.mp4`,
    );
    const keys = eventObjectKeys(this.camera, event.start_time, event.id);
    const clipKey = partClipKey(keys.clip, part.part);
    const { pre, post } = this.#capture(event.label);
    try {
      let clip;
      try {
        clip = await cutClip({
          ffmpegPath: o.ffmpegPath,
          segments,
          startMs: part.startMs,
          endMs: part.endMs,
          outPath,
          toleranceMs: Math.max(1000, segmentMs / 2),
        });
      } catch (error) {
        if (!(error instanceof NoFootageError)) throw error;
        o.metrics.failures.inc({ camera: this.camera, reason: 'no_footage' });
        o.logger.error({ eventId: event.id, part: part.part }, 'no footage for the clip');
        await o.store
          .put(
            keys.metadata,
            new TextEncoder().encode(
              JSON.stringify({
                ...baseMetadata(event, pre, post),
                clip: null,
                partial: true,
                reason: error.reasons.join('; '),
              }),
            ),
            { contentType: 'application/json' },
          )
          .catch(() => undefined);
        return;
      }
      const reasons = [...clip.reasons];
      if (partsTotal === undefined || partsTotal > 1) {
        reasons.push(
          partsTotal === undefined
            ? `part ${part.part}, event still open`
            : `part ${part.part} of ${partsTotal}`,
        );
      }
      const reason =
        reasons.length > 0
          ? reasons
              .join('; ')
              .replace(/[^\x20-\x7e]/g, '?')
              .slice(0, 500)
          : undefined;
      const clipReady: ClipReady = {
        event_id: event.id,
        camera: this.camera,
        keys: {
          clip: clipKey,
          ...(event.snapshot?.key ? { snapshot: event.snapshot.key, thumbnail: keys.thumbnail } : {}),
          metadata: keys.metadata,
        },
        start: Math.round(clip.startMs),
        end: Math.round(clip.endMs),
        duration_s: Math.round(clip.durationS * 1000) / 1000,
        ...(clip.partial ? { partial: true } : {}),
        ...(reason !== undefined ? { reason } : {}),
      };
      const job: ClipJob = {
        camera: this.camera,
        eventId: event.id,
        part: part.part,
        clipKey,
        metadataKey: keys.metadata,
        metadata: {
          ...baseMetadata(event, pre, post),
          clip: {
            key: clipKey,
            start: clipReady.start,
            end: clipReady.end,
            duration_s: clipReady.duration_s,
            window_start: part.startMs,
            window_end: part.endMs,
            segments: clip.segments,
            warnings: clip.warnings,
          },
          part: part.part,
          parts: partsTotal ?? null,
          part_keys: Array.from({ length: partsTotal ?? part.part }, (_, i) => partClipKey(keys.clip, i + 1)),
          partial: clip.partial,
          reason: reason ?? null,
          recorder: o.instanceId,
          created_at: Date.now(),
        },
        clipMetadata: {
          camera: this.camera,
          'event-id': event.id,
          part: String(part.part),
          'clip-ready': JSON.stringify(clipReady),
        },
        clipReady,
        msgId: clipMessageId(event.id, part.part),
        windowEndMs: part.endMs,
      };
      if (clip.partial) {
        o.metrics.partialClips.inc({ camera: this.camera });
        o.logger.warn({ eventId: event.id, part: part.part, reason }, 'partial clip');
      }
      const result = await o.delivery.deliver(outPath, job);
      o.logger.info(
        { eventId: event.id, part: part.part, durationS: clipReady.duration_s, result },
        'clip delivered',
      );
    } finally {
      release();
      await rm(outPath, { force: true });
      if (live) await rm(live.path, { force: true });
    }
  }

  /** A snapshot of the live segment when the finished ones end before `endMs` and it may hold the rest. */
  async #snapshotLiveUntil(endMs: number): Promise<Segment | undefined> {
    const live = this.ring.live;
    if (!live || live.startMs >= endMs || (this.ring.newestEndMs ?? 0) >= endMs) return undefined;
    return snapshotLiveSegment(live, this.options.workDir).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'could not read the live segment');
      return undefined;
    });
  }

  /** Cuts the full-length parts of open events whose footage is complete. */
  #cutOpenParts(): void {
    const newest = this.ring.newestEndMs;
    if (newest === undefined || this.#stopped) return;
    for (const [id, open] of this.#open) {
      const { pre, post } = this.#capture(open.event.label);
      const parts = clipParts(
        {
          eventStartMs: open.event.start_time,
          eventEndMs: undefined,
          preCaptureS: pre,
          postCaptureS: post,
          maxClipSeconds: this.options.camera.record.max_clip_seconds,
        },
        newest,
      );
      for (const part of parts) {
        const key = `${id}/${part.part}`;
        if (open.done.has(part.part) || this.#partWork.has(key)) continue;
        const work = this.#cutAndDeliver(open.event, part, undefined)
          .then(() => void open.done.add(part.part))
          .catch((error: unknown) => {
            this.options.logger.warn({ err: error, eventId: id }, 'open-event part failed');
          })
          .finally(() => this.#partWork.delete(key));
        this.#partWork.set(key, work);
        this.#track(work);
      }
    }
  }
}

/** JetStream message id of a clip's ClipReady: redeliveries of the same event are deduplicated. */
export const clipMessageId = (eventId: string, part: number): string => `clip-${eventId}-${part}`;

function baseMetadata(event: ObjectEvent, pre: number, post: number): Record<string, unknown> {
  return {
    version: 1,
    event_id: event.id,
    camera: event.camera,
    label: event.label,
    ...(event.sub_label ? { sub_label: event.sub_label } : {}),
    start_time: event.start_time,
    end_time: event.end_time ?? null,
    top_score: event.top_score,
    zones: event.entered_zones,
    capture: { pre_capture: pre, post_capture: post },
    event,
  };
}

/** Waits for `work`, but no longer than `ms`. */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
