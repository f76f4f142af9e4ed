import {
  CameraStatusSchema,
  CameraSwitchBoard,
  decodeJson,
  defaultStreams,
  ensureStream,
  type Bus,
  type BusMetrics,
  type CameraStatus,
  type Subjects,
} from '@shiriki/bus';
import { switchDefaultsFor, type CameraConfig, type ShirikiConfig } from '@shiriki/config';
import { OwnedCameras } from '@shiriki/ownership';
import type { Logger } from '@shiriki/telemetry';
import type { BrokerLink } from './broker-link.js';
import { CameraBridge } from './camera-bridge.js';
import { cameraDiscovery } from './discovery.js';
import type { MqttMetrics } from './metrics.js';
import { StateOutbox } from './state-outbox.js';
import { mqttTopics, type MqttTopics } from './topics.js';

export type MqttBridgeState = 'idle' | 'starting' | 'running' | 'draining' | 'stopped';

export interface MqttBridgeOptions {
  config: ShirikiConfig;
  bus: Bus;
  subjects: Subjects;
  link: BrokerLink;
  /** Unique id of this bridge: a KV key token. */
  workerId: string;
  version: string;
  logger: Logger;
  metrics: MqttMetrics;
  busMetrics?: BusMetrics;
  lease?: { ttlMs: number; heartbeatMs: number };
  /** Time `stop` waits for pending state messages to reach the broker. Default 3000 ms. */
  flushGraceMs?: number;
}

export const mqttLeaseBucket = (subjects: Subjects): string => subjects.buckets.leases('mqtt');

/**
 * The MQTT bridge: owns cameras through leases of its own role (`mqtt`), so with several replicas each
 * camera's messages come from exactly one of them, runs a {@link CameraBridge} per camera it owns, and
 * publishes `<prefix>/stats` from the replica that owns the first camera.
 */
export class MqttBridge {
  readonly topics: MqttTopics;
  readonly #cameras: Map<string, CameraConfig>;
  readonly #outbox: StateOutbox;
  #owned: OwnedCameras<CameraBridge> | undefined;
  #statsTimer: NodeJS.Timeout | undefined;
  #stopWatchingSwitches: (() => void) | undefined;
  #state: MqttBridgeState = 'idle';
  readonly #startedAt = Date.now();

  constructor(private readonly options: MqttBridgeOptions) {
    const { config, link, metrics } = options;
    this.topics = mqttTopics(config.mqtt.topic_prefix);
    this.#cameras = new Map(
      Object.values(config.cameras)
        .filter((c) => c.enabled)
        .map((c) => [c.name, c]),
    );
    this.#outbox = new StateOutbox({
      link,
      maxQueued: config.mqtt.max_queued_messages,
      onQueueChange: (size) => metrics.queued.set(size),
      onDrop: () => metrics.dropped.inc(),
      onPublished: (kind) => metrics.published.inc({ kind }),
    });
    link.onConnect(() => metrics.connected.set(1));
  }

  get state(): MqttBridgeState {
    return this.#state;
  }

  ownedCameras(): string[] {
    return this.#owned?.cameras() ?? [];
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new Error(`cannot start an MQTT bridge in state ${this.#state}`);
    this.#state = 'starting';
    const { bus, subjects, workerId, logger, metrics, config, busMetrics, version } = this.options;
    // The tracker's lease timing: the bridge follows the tracker's events, camera by camera.
    const lease = this.options.lease ?? {
      ttlMs: config.tracker.lease_ttl_s * 1000,
      heartbeatMs: config.tracker.heartbeat_s * 1000,
    };
    const streams = defaultStreams(subjects, {
      eventsMaxAgeMs: config.events.stream_max_age_days * 24 * 3600 * 1000,
      replicas: config.events.stream_replicas,
    });
    await ensureStream(bus.jsm, streams.events);
    const switches = await CameraSwitchBoard.open(
      bus.js,
      subjects.buckets.cameraSwitches,
      switchDefaultsFor(this.#cameras.values()),
      config.events.stream_replicas,
    );
    this.#stopWatchingSwitches = await switches.watch((name, states) =>
      this.#owned?.get(name)?.onSwitches(states),
    );
    this.#owned = await OwnedCameras.start(bus.nc, {
      bucket: mqttLeaseBucket(subjects),
      replicas: config.events.stream_replicas,
      workerId,
      cameras: [...this.#cameras.keys()],
      ttlMs: lease.ttlMs,
      heartbeatMs: lease.heartbeatMs,
      logger,
      onCountChange: (count) => metrics.camerasOwned.set(count),
      open: async (owned, cameraLogger) => {
        const camera = this.#cameras.get(owned.camera);
        if (!camera) throw new Error(`camera ${owned.camera} is not configured`);
        const bridge = new CameraBridge({
          camera,
          bus,
          subjects,
          topics: this.topics,
          link: this.options.link,
          outbox: this.#outbox,
          switches,
          review: { alertLabels: config.alerts.labels, alertZones: config.alerts.zones ?? [] },
          discovery: config.mqtt.discovery.enabled
            ? cameraDiscovery(
                { name: camera.name, labels: camera.objects.track },
                { prefix: config.mqtt.discovery.prefix, topics: this.topics, version },
              )
            : [],
          metrics,
          ...(busMetrics ? { busMetrics } : {}),
          logger: cameraLogger,
        });
        await bridge.start();
        return bridge;
      },
    });
    this.#statsTimer = setInterval(() => void this.#publishStats(), config.mqtt.stats_interval_s * 1000);
    this.#statsTimer.unref();
    this.#state = 'running';
  }

  /** Gives the cameras back (another replica takes them at once), sends what is pending, says `offline`. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'draining') return;
    this.#state = 'draining';
    clearInterval(this.#statsTimer);
    this.#stopWatchingSwitches?.();
    await this.#owned?.stop();
    const grace = this.options.flushGraceMs ?? 3000;
    await Promise.race([this.#outbox.flush(), new Promise((resolve) => setTimeout(resolve, grace).unref())]);
    await this.options.link.close();
    this.options.metrics.connected.set(0);
    this.#state = 'stopped';
  }

  async #publishStats(): Promise<void> {
    const owned = this.ownedCameras();
    const first = [...this.#cameras.keys()].sort()[0];
    if (first === undefined || !owned.includes(first)) return;
    const cameras: Record<string, object> = {};
    for (const name of [...this.#cameras.keys()].sort()) {
      const status = await this.#cameraStatus(name);
      cameras[name] = status
        ? {
            camera_fps: status.fps_in,
            state: status.state,
            frames_published: status.frames_published,
            frames_dropped: status.frames_dropped,
            restarts: status.restarts,
            motion_active: status.motion_active,
          }
        : { state: 'unknown' };
    }
    const stats = {
      cameras,
      service: {
        uptime: Math.round((Date.now() - this.#startedAt) / 1000),
        version: this.options.version,
        last_updated: Math.round(Date.now() / 1000),
      },
    };
    this.#outbox.set(this.topics.stats, JSON.stringify(stats), 'stats', false);
  }

  /** The latest status ingest stored for the camera; undefined when there is none (no ingest yet). */
  async #cameraStatus(name: string): Promise<CameraStatus | undefined> {
    try {
      const kv = await this.options.bus.kvm.open(this.options.subjects.buckets.cameraStatus);
      const entry = await kv.get(name);
      return entry && entry.length > 0 ? decodeJson(CameraStatusSchema, entry.value) : undefined;
    } catch {
      return undefined;
    }
  }
}
