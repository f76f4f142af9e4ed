#!/usr/bin/env node
import { IngestWorker, createIngestMetrics, ingestCamerasFromConfig } from '@shiriki/ingest';
import { runService } from '@shiriki/runtime';

await runService({
  service: 'ingest',
  setup: async ({ config, logger, bus, subjects, registry, busMetrics, instanceId }) => {
    const { cameras, sources } = ingestCamerasFromConfig(config);
    const worker = new IngestWorker({
      workerId: instanceId,
      cameras,
      go2rtc: { apiUrl: config.go2rtc.api_url, registerStreams: config.go2rtc.register_streams, sources },
      lease: {
        ttlMs: config.ingest.lease_ttl_s * 1000,
        heartbeatMs: config.ingest.heartbeat_s * 1000,
        replicas: config.events.stream_replicas,
      },
      bus,
      subjects,
      logger,
      metrics: createIngestMetrics(registry),
      busMetrics,
    });
    await worker.start();
    return worker;
  },
});
