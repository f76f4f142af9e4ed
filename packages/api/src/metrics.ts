import { Counter, Histogram, type Registry } from '@shiriki/telemetry';

export interface ApiMetrics {
  /** Stream messages the indexer handled, by stream (`events`, `clips`) and result. */
  indexed: Counter<'stream' | 'result'>;
  /** HTTP requests by route pattern, method and status code. */
  requests: Counter<'route' | 'method' | 'status'>;
  requestSeconds: Histogram<'route'>;
  /** Login attempts by result (`ok`, `bad_credentials`, `rate_limited`). */
  logins: Counter<'result'>;
}

export function createApiMetrics(registry: Registry): ApiMetrics {
  return {
    indexed: new Counter({
      name: 'shiriki_api_index_messages_total',
      help: 'Stream messages the event indexer handled, by stream and result',
      labelNames: ['stream', 'result'],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'shiriki_api_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    requestSeconds: new Histogram({
      name: 'shiriki_api_request_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['route'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    logins: new Counter({
      name: 'shiriki_api_logins_total',
      help: 'Login attempts by result',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}
