import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { api, media, type Camera, type Recording, type ShirikiEvent, type Span } from '../api';
import { dayStart, formatClock, localDay } from '../format';
import { navigate } from '../router';

const DAY = 86_400;
const PLAY_SECONDS = 60;

/** One day of one camera: recorded footage, motion and events on a 24-hour bar; a click plays from there. */
export function Recordings({ query }: { query: URLSearchParams }) {
  const [cameras, setCameras] = useState<Camera[]>([]);
  const at = Number(query.get('at') ?? NaN);
  const camera = query.get('camera') ?? cameras[0]?.name ?? '';
  const day = query.get('day') ?? localDay(Number.isFinite(at) ? at : Date.now() / 1000);
  const start = dayStart(day);
  const [recordings, setRecordings] = useState<Recording[]>([]);
  const [motion, setMotion] = useState<Span[]>([]);
  const [events, setEvents] = useState<ShirikiEvent[]>([]);
  const [playing, setPlaying] = useState<number | null>(Number.isFinite(at) ? at : null);
  const [error, setError] = useState<string | null>(null);
  const bar = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api.cameras().then(setCameras, () => undefined);
  }, []);

  useEffect(() => {
    if (!camera) return;
    let alive = true;
    // The API lists at most 7 days per call; a day is one call each.
    const end = start + DAY;
    Promise.all([
      api.recordings(camera, start, end),
      api.motion(camera, start, end),
      api.events(new URLSearchParams({ camera, after: String(start), before: String(end), limit: '1000' })),
    ]).then(
      ([r, m, e]) => {
        if (!alive) return;
        setRecordings(r);
        setMotion(m);
        setEvents(e.events);
        setError(null);
      },
      (e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      alive = false;
    };
  }, [camera, start]);

  const set = (name: string, value: string) => {
    const next = new URLSearchParams(query);
    next.set(name, value);
    next.delete('at');
    navigate(`/recordings?${next.toString()}`, { replace: true });
  };
  const pct = (t: number) => `${Math.min(100, Math.max(0, ((t - start) / DAY) * 100))}%`;
  const width = (a: number, b: number | null) =>
    `${Math.max(0.3, (((b ?? Date.now() / 1000) - a) / DAY) * 100)}%`;
  const recorded = (t: number) => recordings.some((r) => r.start_time <= t && (r.end_time ?? 0) > t);

  // A pixel of the bar is a minute or more: a click near footage plays the footage nearest to it.
  const play = (t: number) => {
    if (recorded(t)) return setPlaying(t);
    let best: number | undefined;
    for (const r of recordings) {
      const candidate = t < r.start_time ? r.start_time : Math.min(t, (r.end_time ?? r.start_time) - 1);
      if (best === undefined || Math.abs(candidate - t) < Math.abs(best - t)) best = candidate;
    }
    setPlaying(best !== undefined && Math.abs(best - t) < 900 ? best : t);
  };
  const onBarClick = (e: MouseEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    play(start + ((e.clientX - rect.left) / rect.width) * DAY);
  };
  // Keyboard: arrows move the play position by a minute (an hour with Shift), Enter plays.
  const [cursor, setCursor] = useState(start + DAY / 2);
  const onBarKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 3600 : 60;
    if (e.key === 'ArrowRight') setCursor((c) => Math.min(start + DAY, c + step));
    else if (e.key === 'ArrowLeft') setCursor((c) => Math.max(start, c - step));
    else if (e.key === 'Enter' || e.key === ' ') play(cursor);
    else return;
    e.preventDefault();
  };
  const hours = useMemo(() => Array.from({ length: 25 }, (_, h) => h), []);

  return (
    <section aria-labelledby="rec-title">
      <h1 id="rec-title">Recordings</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Camera
          <select name="camera" value={camera} onChange={(e) => set('camera', e.target.value)}>
            {cameras.map((c) => (
              <option key={c.name}>{c.name}</option>
            ))}
          </select>
        </label>
        <label>
          Day
          <input
            name="day"
            type="date"
            value={day}
            onChange={(e) => e.target.value && set('day', e.target.value)}
          />
        </label>
      </form>
      {error && <p role="alert">{error}</p>}
      <div
        ref={bar}
        className="timeline"
        role="slider"
        tabIndex={0}
        aria-label="Time of day; Enter plays from the marked time"
        aria-valuemin={0}
        aria-valuemax={24}
        aria-valuenow={(cursor - start) / 3600}
        aria-valuetext={formatClock(cursor)}
        onClick={onBarClick}
        onKeyDown={onBarKey}
      >
        {recordings.map((r) => (
          <span
            key={`r${r.start_time}`}
            className="rec"
            style={{ left: pct(r.start_time), width: width(r.start_time, r.end_time) }}
          />
        ))}
        {motion.map((m) => (
          <span
            key={`m${m.start_time}`}
            className="mot"
            style={{ left: pct(m.start_time), width: width(m.start_time, m.end_time) }}
          />
        ))}
        {events.map((e) => (
          <button
            type="button"
            key={e.id}
            className="evt"
            style={{ left: pct(e.start_time) }}
            title={`${e.label} ${formatClock(e.start_time)}`}
            aria-label={`${e.label} at ${formatClock(e.start_time)}`}
            onClick={(click) => {
              click.stopPropagation();
              play(e.start_time - 5);
            }}
          />
        ))}
        <span className="cursor" style={{ left: pct(playing ?? cursor) }} />
      </div>
      <div className="hours" aria-hidden="true">
        {hours
          .filter((h) => h % 3 === 0)
          .map((h) => (
            <span key={h} style={{ left: `${(h / 24) * 100}%` }}>
              {String(h).padStart(2, '0')}
            </span>
          ))}
      </div>
      <p className="legend">
        <span className="rec" /> recorded <span className="mot" /> motion <span className="evt" /> event
      </p>
      {playing !== null &&
        (recorded(playing) ||
        recordings.some((r) => r.start_time > playing && r.start_time < playing + PLAY_SECONDS) ? (
          <figure className="player">
            <video
              key={playing}
              controls
              autoPlay
              muted
              src={media.recording(camera, playing, playing + PLAY_SECONDS)}
              aria-label={`Recording from ${formatClock(playing)}`}
            />
            <figcaption>
              {camera}, {formatClock(playing)} to {formatClock(playing + PLAY_SECONDS)}
              <button type="button" onClick={() => play(playing + PLAY_SECONDS)}>
                Next minute
              </button>
            </figcaption>
          </figure>
        ) : (
          <p className="placeholder">
            Nothing recorded at {formatClock(playing)}. Continuous recording is `record.continuous`.
          </p>
        ))}
    </section>
  );
}
