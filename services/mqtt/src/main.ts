#!/usr/bin/env node
import { createRequire } from 'node:module';
import { MqttBridge, MqttBrokerLink, createMqttMetrics, mqttTopics } from '@shiriki/mqtt';
import { runService } from '@shiriki/runtime';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

await runService({
  service: 'mqtt',
  setup: async ({ config, logger, bus, subjects, registry, busMetrics, instanceId }) => {
    if (config.mqtt.host === undefined)
      throw new Error(
        'mqtt.host is not set: name the broker (shiriki up fills it in with its own nats-server)',
      );
    if (!config.mqtt.enabled) logger.warn('mqtt.enabled is false in the config; bridging anyway, as asked');
    const link = new MqttBrokerLink({
      config: config.mqtt,
      clientId: config.mqtt.client_id ?? `shiriki-${instanceId}`.slice(0, 64),
      availableTopic: mqttTopics(config.mqtt.topic_prefix).available,
      logger,
    });
    const bridge = new MqttBridge({
      config,
      bus,
      subjects,
      link,
      workerId: instanceId,
      version,
      logger,
      metrics: createMqttMetrics(registry),
      busMetrics,
    });
    await bridge.start();
    return bridge;
  },
});
