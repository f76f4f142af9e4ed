#!/usr/bin/env node
import {
  DetectorWorker,
  ObjectDetector,
  createDetectorWorkerMetrics,
  detectorWorkerSettingsFromConfig,
  modelSpecFromConfig,
} from '@shiriki/detector';
import { runService } from '@shiriki/runtime';

await runService({
  service: 'detector',
  setup: async ({ config, logger, bus, subjects, registry, busMetrics, instanceId, lifecycle }) => {
    const detector = await ObjectDetector.load(modelSpecFromConfig(config));
    void detector.failed.then((error) => lifecycle.shutdown('the inference thread died', error));
    const worker = new DetectorWorker({
      ...detectorWorkerSettingsFromConfig(config),
      workerId: instanceId,
      detector,
      bus,
      subjects,
      logger,
      metrics: createDetectorWorkerMetrics(registry),
      busMetrics,
    });
    await worker.start();
    return worker;
  },
});
