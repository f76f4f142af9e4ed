import { Counter, Gauge, Histogram, type Registry } from '@shiriki/telemetry';

/** Prometheus metrics of one MQTT bridge. */
export interface MqttMetrics {
  /** Messages the broker took, by kind (event, review, count, motion, snapshot, stats, discovery). */
  published: Counter<'kind'>;
  /** State messages waiting for the broker (the latest per topic). */
  queued: Gauge;
  /** State messages dropped because `max_queued_messages` topics were already waiting. */
  dropped: Counter;
  /** Bus messages the bridge could not use, by reason. */
  invalid: Counter<'reason'>;
  /** From the event's arrival on the bus to the broker's acknowledgement of its MQTT message. */
  eventLatencySeconds: Histogram;
  /** 1 while connected to the broker. */
  connected: Gauge;
  camerasOwned: Gauge;
}

export function createMqttMetrics(registry: Registry): MqttMetrics {
  const registers = [registry];
  return {
    published: new Counter({
      name: 'shiriki_mqtt_published_total',
      help: 'MQTT messages the broker took, by kind.',
      labelNames: ['kind'],
      registers,
    }),
    queued: new Gauge({
      name: 'shiriki_mqtt_queued_messages',
      help: 'State messages waiting for the MQTT broker.',
      registers,
    }),
    dropped: new Counter({
      name: 'shiriki_mqtt_dropped_total',
      help: 'State messages dropped while the broker was away (max_queued_messages).',
      registers,
    }),
    invalid: new Counter({
      name: 'shiriki_mqtt_invalid_messages_total',
      help: 'Bus messages the MQTT bridge could not use, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    eventLatencySeconds: new Histogram({
      name: 'shiriki_mqtt_event_latency_seconds',
      help: "From an event's arrival on the bus to the broker's acknowledgement.",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers,
    }),
    connected: new Gauge({
      name: 'shiriki_mqtt_connected',
      help: '1 while connected to the broker.',
      registers,
    }),
    camerasOwned: new Gauge({
      name: 'shiriki_mqtt_cameras_owned',
      help: 'Cameras whose messages this bridge publishes.',
      registers,
    }),
  };
}
