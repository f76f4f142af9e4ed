#!/usr/bin/env node
import { createObjectStore } from '@shiriki/storage';
import { TrackerWorker, createTrackerMetrics, trackerWorkerSettingsFromConfig } from '@shiriki/tracker';
import { runService } from '@shiriki/runtime';

await runService({
  service: 'tracker',
  setup: async ({ config, logger, bus, subjects, registry, busMetrics, instanceId }) => {
    const worker = new TrackerWorker({
      ...trackerWorkerSettingsFromConfig(config),
      workerId: instanceId,
      store: createObjectStore(config.storage, { logger }),
      bus,
      subjects,
      logger,
      metrics: createTrackerMetrics(registry),
      busMetrics,
    });
    await worker.start();
    return worker;
  },
});
