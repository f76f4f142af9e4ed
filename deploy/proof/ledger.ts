// Counts what the pipeline reported against what the cameras showed. Each proof camera loops a clip with one
// person appearance per loop, published in real time, so every appearance has a known wall-clock window; an
// appearance the pipeline should have seen and raised no event for is lost, one that raised two is doubled.
import type { ClipReady, ObjectEvent } from '@shiriki/bus';

/** One run of a camera's publisher: frame `i` of loop `k` left at `origin + k * loopMs + i / fps`. */
export interface CameraEpoch {
  origin: number;
  /** When this publisher started and stopped sending (epoch ms); `to` is the end of the run if it did not stop. */
  from: number;
  to: number;
}

export interface CameraTimeline {
  camera: string;
  loopMs: number;
  epochs: CameraEpoch[];
}

/** Where the person is in view within a loop, in ms from its start. */
export interface AppearanceWindow {
  fromMs: number;
  toMs: number;
}

export interface LedgerInput {
  timelines: CameraTimeline[];
  appearance: AppearanceWindow;
  /** Appearances are counted when they lie wholly inside this window (epoch ms). */
  window: { from: number; to: number };
  /** Spans in which a camera could not be seen at all (its gateway was down): appearances touching them are not expected. */
  blind: { from: number; to: number }[];
  /** Every object event message the run produced, in stream order. */
  events: ObjectEvent[];
  clips: ClipReady[];
  /** Event ids whose clip was fetched from the store and did not play. */
  unplayable: string[];
  label: string;
  /** How far an event's start may fall outside its appearance and still belong to it (ms). */
  slackMs: number;
}

export interface Appearance {
  camera: string;
  from: number;
  to: number;
  eventIds: string[];
}

export interface Ledger {
  expected: number;
  /** Appearances with no event. */
  lost: Appearance[];
  /** Appearances with more than one event, and events whose `new` came more than once. */
  doubled: { appearances: Appearance[]; repeatedNew: string[] };
  /** Events of `label` starting inside the window in no appearance at all, not even one cut short. */
  outside: string[];
  /** Events of expected appearances that never ended. */
  notEnded: string[];
  /** Ended events of expected appearances without a stored clip. */
  clipsLost: string[];
  clipsUnplayable: string[];
  clipsPartial: string[];
  appearances: Appearance[];
}

/**
 * The appearances each camera showed inside `window`, clear of `blind` spans; with `partly`, also those its
 * publisher or the window cut short.
 */
export function expectedAppearances(
  input: Pick<LedgerInput, 'timelines' | 'appearance' | 'window' | 'blind'>,
  partly = false,
): Appearance[] {
  const out: Appearance[] = [];
  for (const { camera, loopMs, epochs } of input.timelines) {
    for (const epoch of epochs) {
      const from = Math.max(epoch.from, input.window.from);
      const to = Math.min(epoch.to, input.window.to);
      for (let k = Math.floor((from - epoch.origin) / loopMs); ; k++) {
        const start = epoch.origin + k * loopMs + input.appearance.fromMs;
        const end = epoch.origin + k * loopMs + input.appearance.toMs;
        if (start > to) break;
        if (partly ? end <= from : start < from || end > to) continue;
        if (input.blind.some((span) => span.from < end && span.to > start)) continue;
        out.push({ camera, from: start, to: end, eventIds: [] });
      }
    }
  }
  return out;
}

/** Every appearance a camera showed around the events, expected or not: an event in one of them is not a ghost. */
function appearancesAround(input: LedgerInput): Appearance[] {
  const starts = input.events.map((e) => e.start_time);
  if (starts.length === 0) return [];
  const margin = Math.max(...input.timelines.map((t) => t.loopMs)) + input.slackMs;
  const window = { from: Math.min(...starts) - margin, to: Math.max(...starts) + margin };
  return expectedAppearances({ ...input, window, blind: [] }, true);
}

export function countLedger(input: LedgerInput): Ledger {
  const appearances = expectedAppearances(input);
  const everyAppearance = appearancesAround(input);
  const news = new Map<string, number>();
  const starts = new Map<string, ObjectEvent>();
  const ended = new Set<string>();
  for (const event of input.events) {
    if (event.label !== input.label) continue;
    if (event.type === 'new') news.set(event.id, (news.get(event.id) ?? 0) + 1);
    if (!starts.has(event.id)) starts.set(event.id, event);
    if (event.type === 'end') ended.add(event.id);
  }
  const within = (event: ObjectEvent, a: Appearance): boolean =>
    event.camera === a.camera &&
    event.start_time >= a.from - input.slackMs &&
    event.start_time <= a.to + input.slackMs;
  const outside: string[] = [];
  const inWindow = (event: ObjectEvent): boolean =>
    event.start_time >= input.window.from && event.start_time <= input.window.to;
  for (const [id, event] of starts) {
    const home = appearances.find((a) => within(event, a));
    if (home) home.eventIds.push(id);
    else if (inWindow(event) && !everyAppearance.some((a) => within(event, a))) outside.push(id);
  }
  const clipOf = new Map(input.clips.map((clip) => [clip.event_id, clip]));
  const counted = appearances.flatMap((a) => a.eventIds);
  const unplayable = new Set(input.unplayable);
  return {
    expected: appearances.length,
    lost: appearances.filter((a) => a.eventIds.length === 0),
    doubled: {
      appearances: appearances.filter((a) => a.eventIds.length > 1),
      repeatedNew: [...news].filter(([, n]) => n > 1).map(([id]) => id),
    },
    outside,
    notEnded: counted.filter((id) => !ended.has(id)),
    clipsLost: counted.filter((id) => ended.has(id) && !clipOf.has(id)),
    clipsUnplayable: counted.filter((id) => unplayable.has(id)),
    clipsPartial: counted.filter((id) => clipOf.get(id)?.partial === true),
    appearances,
  };
}
