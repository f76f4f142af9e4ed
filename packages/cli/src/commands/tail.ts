import {
  AlertSchema,
  ClipReadySchema,
  MotionAlertSchema,
  ObjectEventSchema,
  connectBus,
  createSubjects,
  subscribeJson,
  type Alert,
  type ClipReady,
  type MotionAlert,
  type Bus,
  type ObjectEvent,
  type SafeSubscription,
  type Subjects,
} from '@shiriki/bus';
import { busOptionsFromConfig } from '@shiriki/runtime';
import { createLogger, type LogSink } from '@shiriki/telemetry';
import { loadCommandConfig } from './load.js';

export interface TailOptions {
  config?: string;
  camera?: string;
  /** Which streams of messages to show. */
  motion: boolean;
  events: boolean;
  alerts: boolean;
  clips: boolean;
}

/** `shiriki tail`: prints motion, events and alerts from NATS as readable lines until interrupted. */
export async function tail(options: TailOptions): Promise<void> {
  const config = await loadCommandConfig(options.config);
  const logger = createLogger({ service: 'shiriki-tail', level: 'warn', destination: process.stderr });
  const bus = await connectBus(busOptionsFromConfig(config.nats), { logger, name: 'shiriki-tail' });
  const subjects = createSubjects(config.nats.subject_prefix);
  const subscriptions = watchBus(bus, subjects, logger, options);
  console.log(`watching ${subscriptions.map((s) => s.subject).join(', ')} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await bus.drain();
}

export interface WatchOptions {
  /** Only this camera; every camera when absent. */
  camera?: string | undefined;
  motion: boolean;
  events: boolean;
  alerts: boolean;
  clips: boolean;
  /** Print `update` events too. Default true. */
  eventUpdates?: boolean;
  /** Called for each clip; the line it returns is printed under the clip (the demo: the file to open). */
  onClip?: (clip: ClipReady) => string;
}

/** Subscribes to the chosen kinds of messages and prints each as one readable line. */
export function watchBus(bus: Bus, subjects: Subjects, logger: LogSink, o: WatchOptions): SafeSubscription[] {
  const { camera } = o;
  const subscriptions: SafeSubscription[] = [];
  if (o.motion) {
    const subject = camera ? subjects.motion(camera) : subjects.motionAll;
    subscriptions.push(
      subscribeJson(bus.nc, subject, MotionAlertSchema, (m) => print(formatMotion(m)), { logger }),
    );
  }
  if (o.events) {
    const subject = camera ? subjects.eventsForCamera(camera) : subjects.eventsAll;
    const updates = o.eventUpdates ?? true;
    subscriptions.push(
      subscribeJson(
        bus.nc,
        subject,
        ObjectEventSchema,
        (e) => {
          if (updates || e.type !== 'update') print(formatEvent(e));
        },
        { logger },
      ),
    );
  }
  if (o.alerts) {
    const subject = camera ? subjects.alertsForCamera(camera) : subjects.alertsAll;
    subscriptions.push(subscribeJson(bus.nc, subject, AlertSchema, (a) => print(formatAlert(a)), { logger }));
  }
  if (o.clips) {
    const subject = camera ? subjects.clips(camera) : subjects.clipsAll;
    subscriptions.push(
      subscribeJson(
        bus.nc,
        subject,
        ClipReadySchema,
        (c) => print(o.onClip ? `${formatClip(c)}\n        ${o.onClip(c)}` : formatClip(c)),
        { logger },
      ),
    );
  }
  return subscriptions;
}

export function formatClip(c: ClipReady): string {
  const partial = c.partial ? ` PARTIAL (${c.reason ?? 'no reason'})` : '';
  return `${time(c.end)}  clip    ${c.camera.padEnd(16)} event ${c.event_id} ${c.duration_s.toFixed(1)} s ${c.keys.clip}${partial}`;
}

function print(line: string): void {
  console.log(line);
}

const time = (ms: number): string => new Date(ms).toISOString().slice(11, 23);
const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

export function formatMotion(m: MotionAlert): string {
  const at = m.time ?? (m.state === 'ended' && m.ended_at !== undefined ? m.ended_at : m.started_at);
  const detail =
    m.state === 'ended'
      ? `lasted ${((m.ended_at ?? m.started_at) - m.started_at) / 1000}s, peak ${percent(m.peak_area)}`
      : `${m.boxes.length} regions, ${percent(m.area)} of the frame`;
  return `${time(at)}  motion  ${m.camera.padEnd(16)} ${m.state.padEnd(8)} ${detail}`;
}

export function formatEvent(e: ObjectEvent): string {
  const zones = e.zones.length > 0 ? ` zones=${e.zones.join(',')}` : '';
  const at = e.end_time ?? e.start_time;
  return `${time(at)}  event   ${e.camera.padEnd(16)} ${e.type.padEnd(8)} ${e.label} ${e.id} score=${e.score.toFixed(2)} top=${e.top_score.toFixed(2)}${zones}${e.stationary ? ' stationary' : ''}`;
}

export function formatAlert(a: Alert): string {
  const what = a.kind === 'motion' ? 'motion' : `${a.label} (event ${a.event_id})`;
  const zones = a.zones.length > 0 ? ` in ${a.zones.join(', ')}` : '';
  return `${time(a.time)}  ALERT   ${a.camera.padEnd(16)} ${what}${zones}`;
}
