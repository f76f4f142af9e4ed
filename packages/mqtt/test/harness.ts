import { connectAsync, type MqttClient } from 'mqtt';
import sharp from 'sharp';
import {
  ObjectEventSchema,
  MotionAlertSchema,
  connectBus,
  createSubjects,
  encodeJson,
  snapshotHeaders,
  type Bus,
  type MotionAlert,
  type ObjectEvent,
} from '@shiriki/bus';
import { parseConfig, type ShirikiConfig } from '@shiriki/config';
import { createLogger, createMetrics } from '@shiriki/telemetry';
import { waitFor } from '@shiriki/testing';
import { MqttBridge, MqttBrokerLink, createMqttMetrics, mqttTopics } from '@shiriki/mqtt';

export const CAMERA = 'front';
export const PREFIX = 'shiriki';
export const T0 = 1_800_000_000_000;

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

/** An MQTT client that keeps every message it sees under the given filters. */
export async function subscriber(
  url: string,
  filters: string[],
  auth: { username?: string; password?: string } = {},
) {
  const client: MqttClient = await connectAsync(url, {
    clientId: `test-${Math.random().toString(36).slice(2)}`,
    ...auth,
  });
  const received: Received[] = [];
  client.on('message', (topic, payload, packet) => received.push({ topic, payload, retain: packet.retain }));
  await client.subscribeAsync(filters, { qos: 1 });
  const on = (topic: string) => received.filter((m) => m.topic === topic);
  return {
    client,
    received,
    on,
    texts: (topic: string) => on(topic).map((m) => m.payload.toString()),
    json: <T>(topic: string) => on(topic).map((m) => JSON.parse(m.payload.toString()) as T),
    until: (what: string, check: () => boolean, timeoutMs = 10_000) => waitFor(check, { timeoutMs, what }),
    close: () => client.endAsync(),
  };
}

export function bridgeConfig(
  natsUrl: string,
  broker: { host: string; port: number },
  mqtt: object = {},
): ShirikiConfig {
  return parseConfig(
    JSON.stringify({
      nats: { servers: [natsUrl] },
      storage: { type: 'local' },
      cameras: {
        [CAMERA]: {
          source: 'rtsp://user:secret@192.0.2.1/stream',
          objects: { track: ['person', 'dog'] },
          zones: {
            porch: {
              coordinates: [
                [0, 0],
                [0.5, 0],
                [0.5, 1],
                [0, 1],
              ],
            },
          },
        },
      },
      mqtt: { enabled: true, host: broker.host, port: broker.port, ...mqtt },
    }),
  );
}

export interface RunningBridge {
  bridge: MqttBridge;
  bus: Bus;
  stop(): Promise<void>;
}

export async function startBridge(config: ShirikiConfig, workerId = 'bridge-1'): Promise<RunningBridge> {
  const running = await startBridgeUnowned(config, workerId);
  await waitFor(() => running.bridge.ownedCameras().length === 1, {
    timeoutMs: 10_000,
    what: 'the bridge to own the camera',
  });
  return running;
}

/** A bridge that may own no camera (another replica holds it). */
export async function startBridgeUnowned(config: ShirikiConfig, workerId: string): Promise<RunningBridge> {
  const logger = createLogger({ service: 'mqtt-test', level: 'warn' });
  const bus = await connectBus({ servers: config.nats.servers }, { logger, name: workerId });
  const subjects = createSubjects(config.nats.subject_prefix);
  const link = new MqttBrokerLink({
    config: config.mqtt,
    clientId: workerId,
    availableTopic: mqttTopics(config.mqtt.topic_prefix).available,
    logger,
    reconnectMs: 300,
  });
  const bridge = new MqttBridge({
    config,
    bus,
    subjects,
    link,
    workerId,
    version: 'test',
    logger,
    metrics: createMqttMetrics(createMetrics({ service: 'mqtt' })),
    lease: { ttlMs: 4000, heartbeatMs: 1000 },
  });
  await bridge.start();
  return {
    bridge,
    bus,
    stop: async () => {
      await bridge.stop();
      await bus.drain();
    },
  };
}

/** What the tracker would publish: an object event on the durable stream. */
export async function publishEvent(bus: Bus, event: ObjectEvent): Promise<void> {
  const subjects = createSubjects(PREFIX);
  await bus.js.publish(subjects.events(event.camera, event.label), encodeJson(ObjectEventSchema, event), {
    msgID: `${event.id}:${event.type}:${event.frame_time ?? event.start_time}`,
  });
}

export function publishMotion(bus: Bus, state: MotionAlert['state'], at: number): void {
  const subjects = createSubjects(PREFIX);
  const alert: MotionAlert = {
    type: 'motion',
    camera: CAMERA,
    state,
    started_at: at,
    ...(state === 'ended' ? { ended_at: at } : {}),
    boxes: [],
    area: 0.1,
    peak_area: 0.1,
    producer: 'test',
    sequence: 1,
  };
  bus.nc.publish(subjects.motion(CAMERA), encodeJson(MotionAlertSchema, alert));
}

/** What a detector publishes with a frame's detections: the frame as JPEG. */
export async function publishSnapshot(bus: Bus, sequence: number): Promise<Buffer> {
  const jpeg = await sharp({
    create: { width: 64, height: 36, channels: 3, background: { r: 200, g: 40, b: 40 } },
  })
    .jpeg()
    .toBuffer();
  const subjects = createSubjects(PREFIX);
  bus.nc.publish(subjects.snapshots(CAMERA), jpeg, {
    headers: snapshotHeaders({
      camera: CAMERA,
      sequence,
      captureTime: T0,
      width: 64,
      height: 36,
      labels: ['person'],
    }),
  });
  await bus.nc.flush();
  return jpeg;
}

export function objectEvent(
  type: ObjectEvent['type'],
  id: string,
  label: string,
  offsetMs: number,
  extra: Partial<ObjectEvent> = {},
): ObjectEvent {
  return {
    type,
    id,
    camera: CAMERA,
    label,
    score: 0.8,
    top_score: 0.85,
    box: [100, 50, 180, 250],
    zones: [],
    entered_zones: [],
    start_time: T0,
    frame_time: T0 + offsetMs,
    ...(type === 'end' ? { end_time: T0 + offsetMs } : {}),
    stationary: false,
    ...extra,
  };
}
