// Malformed messages on every subject the services read: each must be dropped, counted in
// shiriki_bus_invalid_messages_total, and leave the cameras that sent good frames meanwhile unaffected.
import type { NatsConnection } from '@nats-io/transport-node';
import { INVALID_MESSAGES_METRIC, type Subjects } from '@shiriki/bus';
import { scrapeMetrics } from '@shiriki/testing';

/** Below nats-server's default max_payload (1 MiB), so the server takes it and a service must refuse it. */
const HUGE_BYTES = 900 * 1024;

export interface BadInputRow {
  subjectKind: 'frames' | 'detections' | 'events' | 'motion';
  sent: number;
  /** Rise of shiriki_bus_invalid_messages_total{subject_kind} summed over the services. */
  counted: number;
}

function variants(camera: string): { name: string; payload: Uint8Array }[] {
  const text = (value: string) => new TextEncoder().encode(value);
  const huge = new Uint8Array(HUGE_BYTES);
  for (let i = 0; i < huge.length; i++) huge[i] = (i * 131 + 7) & 0xff;
  return [
    { name: 'garbage', payload: text('\u0000\u0001 not a message at all \uffff') },
    { name: 'empty', payload: new Uint8Array(0) },
    { name: 'wrong shape', payload: text(JSON.stringify({ camera, hello: 'world', sequence: 'seven' })) },
    { name: 'wrong types', payload: text(JSON.stringify({ camera: 42, detections: 'many', type: 'new' })) },
    { name: 'huge', payload: huge },
  ];
}

/** Invalid-message counts per subject kind, summed over every metrics URL. */
async function invalidCounts(metricsUrls: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const url of metricsUrls) {
    const text = await scrapeMetrics(url).catch(() => '');
    for (const m of text.matchAll(new RegExp(`^${INVALID_MESSAGES_METRIC}\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
      const kind = /subject_kind="([^"]+)"/.exec(m[1]!)?.[1];
      if (kind) counts.set(kind, (counts.get(kind) ?? 0) + Number(m[2]));
    }
  }
  return counts;
}

/** Publishes every variant on each kind of subject of `camera`, then reads how many the services counted. */
export async function sendBadInput(
  nc: NatsConnection,
  subjects: Subjects,
  camera: string,
  metricsUrls: string[],
  settleMs: number,
): Promise<BadInputRow[]> {
  const before = await invalidCounts(metricsUrls);
  const targets: [BadInputRow['subjectKind'], string][] = [
    ['frames', subjects.frames(camera)],
    ['detections', subjects.detections(camera)],
    ['events', subjects.events(camera, 'person')],
    ['motion', subjects.motion(camera)],
  ];
  const sent = new Map<string, number>();
  for (const [kind, subject] of targets) {
    for (const { payload } of variants(camera)) {
      nc.publish(subject, payload);
      sent.set(kind, (sent.get(kind) ?? 0) + 1);
    }
  }
  await nc.flush();
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const after = await invalidCounts(metricsUrls);
  return targets.map(([kind]) => ({
    subjectKind: kind,
    sent: sent.get(kind) ?? 0,
    counted: (after.get(kind) ?? 0) - (before.get(kind) ?? 0),
  }));
}
