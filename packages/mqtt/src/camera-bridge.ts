import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos, type Subscription } from '@nats-io/nats-core';
import {
  CAMERA_SWITCHES,
  DecodeError,
  SwitchConflictError,
  parseSwitchPayload,
  type CameraSwitch,
  type CameraSwitchBoard,
  type SwitchStates,
  MotionAlertSchema,
  ObjectEventSchema,
  decodeJson,
  ensureConsumer,
  readSnapshotHeaders,
  subscribeJson,
  type Bus,
  type BusMetrics,
  type ObjectEvent,
  type SafeSubscription,
  type Subjects,
} from '@shiriki/bus';
import type { CameraConfig } from '@shiriki/config';
import type { CameraUnit } from '@shiriki/ownership';
import type { Logger } from '@shiriki/telemetry';
import { ActiveObjects } from './active-objects.js';
import type { BrokerLink } from './broker-link.js';
import type { DiscoveryMessage } from './discovery.js';
import { frigateEventMessage, toFrigateObject, type FrigateObject } from './frigate-event.js';
import type { MqttMetrics } from './metrics.js';
import { ReviewGrouper, type ReviewRules } from './reviews.js';
import type { StateOutbox } from './state-outbox.js';
import type { MqttTopics } from './topics.js';

export interface CameraBridgeOptions {
  camera: CameraConfig;
  bus: Bus;
  subjects: Subjects;
  topics: MqttTopics;
  link: BrokerLink;
  outbox: StateOutbox;
  review: ReviewRules;
  metrics: MqttMetrics;
  busMetrics?: BusMetrics;
  logger: Logger;
  /** The cameras' run-time switches: commands from `<camera>/<switch>/set` go there. */
  switches: CameraSwitchBoard;
  /** Home Assistant discovery of this camera (retained, sent again on every connect); none when off. */
  discovery: readonly DiscoveryMessage[];
  /** How long the broker may hold an event before JetStream offers it again. Default 60000 ms. */
  ackWaitMs?: number;
}

/** The durable consumer of one camera's events; it outlives the bridge, so a restart resumes where it stopped. */
export const mqttConsumerName = (camera: string): string => `mqtt_${camera}`;

const SNAPSHOTS_KEPT = 32;
const RETRY_MS = 1000;

/**
 * Everything the bridge publishes for one camera it owns: its events (from a durable JetStream consumer,
 * acknowledged only once the broker has the message, so a broker outage holds them on the bus and a restart
 * neither loses nor repeats them), its review items, object counts, motion state and best snapshots.
 */
export class CameraBridge implements CameraUnit {
  readonly #counts: ActiveObjects;
  readonly #reviews: ReviewGrouper;
  readonly #objects = new Map<string, FrigateObject>();
  /** Recent detector JPEGs by frame sequence: an event names the frame of its best snapshot. */
  readonly #jpegs = new Map<number, Buffer>();
  readonly #snapshotSent = new Map<string, number>();
  #messages: ConsumerMessages | undefined;
  #consuming: Promise<void> | undefined;
  #motion: SafeSubscription | undefined;
  #snapshots: Subscription | undefined;
  #stopped = false;
  #offConnect: (() => void) | undefined;
  readonly #offCommands: (() => void)[] = [];
  #states: SwitchStates | undefined;
  #lastCommandWarning = 0;

  constructor(private readonly options: CameraBridgeOptions) {
    const { camera, review } = options;
    this.#counts = new ActiveObjects(camera.objects.track, Object.keys(camera.zones));
    this.#reviews = new ReviewGrouper(camera.name, review);
  }

  async start(): Promise<void> {
    const { bus, subjects, camera, logger, busMetrics } = this.options;
    this.#snapshots = bus.nc.subscribe(subjects.snapshots(camera.name), {
      callback: (error, msg) => {
        if (error) return;
        const meta = readSnapshotHeaders(msg.headers);
        if (!meta || meta.camera !== camera.name) return this.#invalid('snapshot_headers');
        this.#jpegs.set(meta.sequence, Buffer.from(msg.data));
        for (const sequence of this.#jpegs.keys()) {
          if (this.#jpegs.size <= SNAPSHOTS_KEPT) break;
          this.#jpegs.delete(sequence);
        }
      },
    });
    this.#motion = subscribeJson(
      bus.nc,
      subjects.motion(camera.name),
      MotionAlertSchema,
      (alert) => {
        if (alert.state === 'update') return;
        this.#state(
          'motion',
          this.options.topics.motion(camera.name),
          alert.state === 'started' ? 'ON' : 'OFF',
        );
      },
      { logger, ...(busMetrics ? { metrics: busMetrics } : {}) },
    );
    this.#states = await this.options.switches.get(camera.name);
    for (const name of CAMERA_SWITCHES) {
      this.#offCommands.push(
        this.options.link.subscribe(
          this.options.topics.switchSet(camera.name, name),
          (payload) => void this.#onCommand(name, payload.toString()),
        ),
      );
    }
    this.#publishRetainedState();
    // A broker without persistence forgets retained messages when it restarts: send them again.
    this.#offConnect = this.options.link.onConnect(() => this.#publishRetainedState());
    const stream = subjects.streams.events;
    const durable = mqttConsumerName(camera.name);
    await ensureConsumer(bus.jsm, stream, {
      durable_name: durable,
      filter_subject: subjects.eventsForCamera(camera.name),
      ack_policy: AckPolicy.Explicit,
      // The first start publishes what happens from now on, not the stream's history.
      deliver_policy: DeliverPolicy.New,
      ack_wait: nanos(this.options.ackWaitMs ?? 60_000),
      max_ack_pending: 1000,
    });
    const consumer = await bus.js.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: 64 });
    this.#messages = messages;
    this.#consuming = (async () => {
      for await (const msg of messages) {
        if (this.#stopped) break;
        await this.#handle(msg);
      }
    })().catch((error: unknown) => {
      if (!this.#stopped) logger.error({ err: error }, 'event consumer ended');
    });
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#offConnect?.();
    for (const off of this.#offCommands) off();
    this.#snapshots?.unsubscribe();
    this.#motion?.subscription.unsubscribe();
    await this.#messages?.close().catch(() => undefined);
    await this.#consuming;
  }

  async #handle(msg: JsMsg): Promise<void> {
    const receivedAt = performance.now();
    let event: ObjectEvent;
    try {
      event = decodeJson(ObjectEventSchema, msg.data);
    } catch (error) {
      this.#invalid(error instanceof DecodeError ? 'event_schema' : 'event');
      msg.term();
      return;
    }
    const { topics, camera, metrics } = this.options;
    const after = toFrigateObject(event, { clips: camera.record.enabled, snapshots: true });
    const message = frigateEventMessage(event, after, this.#objects.get(event.id));
    if (event.type === 'end') this.#objects.delete(event.id);
    else this.#objects.set(event.id, after);
    if (!(await this.#deliver(msg, topics.events, JSON.stringify(message), 'event'))) return;
    metrics.eventLatencySeconds.observe((performance.now() - receivedAt) / 1000);
    const review = this.#reviews.apply(event);
    if (review && !(await this.#deliver(msg, topics.reviews, JSON.stringify(review), 'review'))) return;
    for (const change of this.#counts.apply(event))
      this.#publishCount(change.zone, change.label, change.count);
    this.#publishSnapshot(event);
    msg.ack();
  }

  /** Publishes until the broker has it; false when the bridge stopped first (the event is redelivered). */
  async #deliver(msg: JsMsg, topic: string, payload: string, kind: string): Promise<boolean> {
    for (;;) {
      if (this.#stopped) {
        msg.nak();
        return false;
      }
      try {
        await this.options.link.publish(topic, payload);
        this.options.metrics.published.inc({ kind });
        return true;
      } catch {
        // The broker is away: the event stays unacknowledged on the bus while we wait.
        msg.working();
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** The switches changed (from MQTT, the api or another bridge): echo them on `<switch>/state`. */
  onSwitches(states: SwitchStates): void {
    this.#states = states;
    this.#publishSwitchStates();
  }

  async #onCommand(name: CameraSwitch, payload: string): Promise<void> {
    const { switches, camera, logger } = this.options;
    const value = parseSwitchPayload(payload);
    if (value === undefined) return this.#badCommand(name, 'command_payload', 'expected ON or OFF');
    try {
      await switches.set(camera.name, { [name]: value }, 'mqtt');
      logger.info({ switch: name, value }, 'camera switch set over MQTT');
    } catch (error) {
      if (error instanceof SwitchConflictError) {
        this.#badCommand(name, 'command_conflict', error.message);
        // The switch in Home Assistant flipped already: the state puts it back.
        this.#publishSwitchStates();
      } else logger.error({ err: error, switch: name }, 'camera switch not stored');
    }
  }

  #badCommand(name: CameraSwitch, reason: string, why: string): void {
    this.#invalid(reason);
    if (Date.now() - this.#lastCommandWarning < 10_000) return;
    this.#lastCommandWarning = Date.now();
    this.options.logger.warn({ switch: name, reason }, `MQTT command ignored: ${why}`);
  }

  #publishSwitchStates(): void {
    const states = this.#states;
    if (!states) return;
    const { topics, camera } = this.options;
    for (const name of CAMERA_SWITCHES)
      this.#state('switch', topics.switchState(camera.name, name), states[name] ? 'ON' : 'OFF');
  }

  #publishRetainedState(): void {
    for (const { topic, config } of this.options.discovery)
      this.#state('discovery', topic, JSON.stringify(config));
    this.#publishSwitchStates();
    for (const change of this.#counts.all()) this.#publishCount(change.zone, change.label, change.count);
  }

  #publishCount(zone: string | undefined, label: string, count: number): void {
    const { topics, camera } = this.options;
    const topic =
      zone === undefined ? topics.count(camera.name, label) : topics.zoneCount(camera.name, zone, label);
    this.#state('count', topic, String(count));
  }

  #publishSnapshot(event: ObjectEvent): void {
    if (event.type === 'end' || !event.snapshot || this.#states?.snapshots === false) return;
    const sequence = event.snapshot.frame_sequence;
    const key = `${event.id}`;
    if (this.#snapshotSent.get(key) === sequence) return;
    const jpeg = this.#jpegs.get(sequence);
    if (!jpeg) return;
    this.#snapshotSent.set(key, sequence);
    if (this.#snapshotSent.size > 256)
      this.#snapshotSent.delete(this.#snapshotSent.keys().next().value as string);
    this.#state('snapshot', this.options.topics.snapshot(this.options.camera.name, event.label), jpeg);
  }

  #state(kind: string, topic: string, payload: string | Buffer): void {
    this.options.outbox.set(topic, payload, kind);
  }

  #invalid(reason: string): void {
    this.options.metrics.invalid.inc({ reason });
  }
}
