import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { repoRoot } from '@shiriki/stack';

/** The long-running services, each started in this process by `shiriki <service>` (the container entry). */
export const SERVICES = ['ingest', 'detector', 'tracker', 'recorder', 'api', 'mqtt'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const SERVICE_DESCRIPTIONS: Record<ServiceName, string> = {
  ingest: 'decode cameras from go2rtc, detect motion, publish frames and motion on NATS',
  detector: 'run object detection on frames from NATS (stateless: add replicas for throughput)',
  tracker: 'turn detections into tracked objects, object events and alerts',
  recorder: 'keep a segment ring per camera and store clips, snapshots and recordings',
  api: 'serve the HTTP API, live updates and the web UI',
  mqtt: "bridge events, reviews, counts, motion and snapshots to an MQTT broker (Frigate's topics, Home Assistant discovery)",
};

/**
 * The service's entry file: the compiled `dist/src/main.js` when this CLI runs compiled (as in the
 * container image), else `src/main.ts` (from a checkout, through tsx).
 */
export function serviceEntry(service: ServiceName, compiled = isCompiled()): string {
  const dir = join(repoRoot(), 'services', service);
  const entry = compiled ? join(dir, 'dist', 'src', 'main.js') : join(dir, 'src', 'main.ts');
  if (!existsSync(entry)) throw new Error(`the ${service} service is missing at ${entry}`);
  return entry;
}

/**
 * Runs one service in this process, so that it is PID 1's own process in a container and gets SIGTERM
 * directly. The service reads `--config` from the same command line.
 */
export async function runServiceCommand(service: ServiceName): Promise<void> {
  await import(pathToFileURL(serviceEntry(service)).href);
}

function isCompiled(): boolean {
  return fileURLToPath(import.meta.url).endsWith('.js');
}
