#!/usr/bin/env node
import { ApiServer } from '@shiriki/api';
import { runService } from '@shiriki/runtime';

await runService({
  service: 'api',
  setup: ({ config, logger, bus, subjects, registry, busMetrics }) =>
    ApiServer.start({ config, logger, bus, subjects, registry, busMetrics }),
});
