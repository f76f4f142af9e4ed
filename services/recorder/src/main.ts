#!/usr/bin/env node
import { RecorderWorker, createRecorderMetrics, recorderWorkerSettingsFromConfig } from '@shiriki/recorder';
import { runService } from '@shiriki/runtime';
import { createObjectStore } from '@shiriki/storage';

await runService({
  service: 'recorder',
  setup: async ({ config, logger, bus, subjects, registry, instanceId }) => {
    const worker = new RecorderWorker({
      ...recorderWorkerSettingsFromConfig(config),
      workerId: instanceId,
      store: createObjectStore(config.storage, { logger }),
      bus,
      subjects,
      logger,
      metrics: createRecorderMetrics(registry),
    });
    await worker.start();
    return worker;
  },
});
