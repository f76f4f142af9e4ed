import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, type Camera, type ShirikiEvent } from '../api';
import { EventCard } from '../components/EventCard';
import { dayStart } from '../format';
import { navigate } from '../router';

const PAGE = 30;

/** Filters live in the URL, so a filtered list can be bookmarked and shared. */
function filtersFrom(query: URLSearchParams) {
  return {
    camera: query.get('camera') ?? '',
    label: query.get('label') ?? '',
    zone: query.get('zone') ?? '',
    day: query.get('day') ?? '',
  };
}
type Filters = ReturnType<typeof filtersFrom>;

function toQuery(filters: Filters, cursor?: string): URLSearchParams {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (filters.camera) q.set('camera', filters.camera);
  if (filters.label) q.set('label', filters.label);
  if (filters.zone) q.set('zone', filters.zone);
  if (filters.day) {
    const start = dayStart(filters.day);
    q.set('after', String(start));
    q.set('before', String(start + 86_400));
  }
  if (cursor) q.set('cursor', cursor);
  return q;
}

function matches(event: ShirikiEvent, f: Filters): boolean {
  if (f.camera && event.camera !== f.camera) return false;
  if (f.label && event.label !== f.label) return false;
  if (f.zone && !event.entered_zones.includes(f.zone)) return false;
  if (f.day) {
    const start = dayStart(f.day);
    if (event.start_time < start || event.start_time >= start + 86_400) return false;
  }
  return true;
}

/** An object event from the live feed in the list's shape. */
function fromFeed(data: Record<string, unknown>): ShirikiEvent {
  return {
    id: String(data.id),
    camera: String(data.camera),
    label: String(data.label),
    sub_label: (data.sub_label as string | undefined) ?? null,
    score: Number(data.score),
    top_score: Number(data.top_score),
    box: data.box as ShirikiEvent['box'],
    zones: (data.zones as string[] | undefined) ?? [],
    entered_zones: (data.entered_zones as string[] | undefined) ?? [],
    start_time: Number(data.start_time),
    end_time: data.end_time === null || data.end_time === undefined ? null : Number(data.end_time),
    stationary: Boolean(data.stationary),
    has_snapshot: Boolean(data.has_snapshot),
    has_clip: false,
    snapshot_box: null,
    clip: null,
  };
}

export function Events({ query }: { query: URLSearchParams }) {
  const filters = useMemo(() => filtersFrom(query), [query]);
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [events, setEvents] = useState<ShirikiEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [liveState, setLiveState] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');
  const sentinel = useRef<HTMLDivElement>(null);
  const generation = useRef(0);

  useEffect(() => {
    api.cameras().then(setCameras, () => undefined);
  }, []);

  const loadPage = useCallback(
    async (from: string | null, reset: boolean) => {
      const mine = generation.current;
      setLoading(true);
      try {
        const page = await api.events(toQuery(filters, from ?? undefined));
        if (mine !== generation.current) return;
        setEvents((old) => {
          const have = new Set(reset ? [] : old.map((e) => e.id));
          return [...(reset ? [] : old), ...page.events.filter((e) => !have.has(e.id))];
        });
        setCursor(page.next_cursor);
        setError(null);
      } catch (e) {
        if (mine === generation.current) setError(e instanceof Error ? e.message : String(e));
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [filters],
  );

  useEffect(() => {
    generation.current++;
    setEvents([]);
    setCursor(null);
    void loadPage(null, true);
  }, [loadPage]);

  // Infinite scroll: the next page loads when the end of the list comes into view.
  useEffect(() => {
    const node = sentinel.current;
    if (!node || !cursor) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !loading) void loadPage(cursor, false);
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [cursor, loading, loadPage]);

  // Live: new events go on top, updates and clips change the events already shown.
  useEffect(() => {
    const source = new EventSource('/api/events/stream');
    source.onopen = () => setLiveState('live');
    source.onerror = () => setLiveState('reconnecting');
    source.addEventListener('event', (message: MessageEvent<string>) => {
      const data = JSON.parse(message.data) as Record<string, unknown>;
      const incoming = fromFeed(data);
      setEvents((old) => {
        const at = old.findIndex((e) => e.id === incoming.id);
        if (at >= 0) {
          const merged = { ...old[at]!, ...incoming, has_clip: old[at]!.has_clip, clip: old[at]!.clip };
          merged.has_snapshot = old[at]!.has_snapshot || incoming.has_snapshot;
          return old.map((e, i) => (i === at ? merged : e));
        }
        return matches(incoming, filters) ? [incoming, ...old] : old;
      });
    });
    source.addEventListener('clip', (message: MessageEvent<string>) => {
      const clip = JSON.parse(message.data) as {
        event_id: string;
        start: number;
        end: number;
        duration: number;
        partial: boolean;
      };
      setEvents((old) =>
        old.map((e) =>
          e.id === clip.event_id
            ? {
                ...e,
                has_clip: true,
                clip: { start: clip.start, end: clip.end, duration: clip.duration, partial: clip.partial },
              }
            : e,
        ),
      );
    });
    return () => source.close();
  }, [filters]);

  const setFilter = (name: keyof Filters, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(name, value);
    else next.delete(name);
    navigate(`/events${next.size > 0 ? `?${next.toString()}` : ''}`, { replace: true });
  };

  const labels = [...new Set(cameras.flatMap((c) => c.labels))].sort();
  const zones = [
    ...new Set(cameras.filter((c) => !filters.camera || c.name === filters.camera).flatMap((c) => c.zones)),
  ].sort();

  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">
        Events <span className={`badge live-${liveState}`}>{liveState}</span>
      </h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Camera
          <select name="camera" value={filters.camera} onChange={(e) => setFilter('camera', e.target.value)}>
            <option value="">all</option>
            {cameras.map((c) => (
              <option key={c.name}>{c.name}</option>
            ))}
          </select>
        </label>
        <label>
          Label
          <select name="label" value={filters.label} onChange={(e) => setFilter('label', e.target.value)}>
            <option value="">all</option>
            {labels.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </label>
        <label>
          Zone
          <select name="zone" value={filters.zone} onChange={(e) => setFilter('zone', e.target.value)}>
            <option value="">all</option>
            {zones.map((z) => (
              <option key={z}>{z}</option>
            ))}
          </select>
        </label>
        <label>
          Day
          <input
            name="day"
            type="date"
            value={filters.day}
            onChange={(e) => setFilter('day', e.target.value)}
          />
        </label>
      </form>
      {error && <p role="alert">Events unavailable: {error}</p>}
      <ul className="events" aria-live="polite" aria-busy={loading}>
        {events.map((e) => (
          <EventCard key={e.id} event={e} />
        ))}
      </ul>
      {!loading && events.length === 0 && !error && <p className="empty">No events match.</p>}
      <div ref={sentinel} className="sentinel" aria-hidden="true" />
      {loading && <p className="loading">Loading…</p>}
    </section>
  );
}
