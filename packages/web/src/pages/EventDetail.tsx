import { useEffect, useState } from 'react';
import { api, media, type Camera, type ShirikiEvent, type User } from '../api';
import { formatDuration, formatTime } from '../format';
import { navigate, onLinkClick } from '../router';

export function EventDetail({ id, user }: { id: string; user: User }) {
  const [event, setEvent] = useState<ShirikiEvent | null | undefined>(undefined);
  const [camera, setCamera] = useState<Camera | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    const load = () =>
      api.event(id).then(
        (e) => {
          if (!alive) return;
          setEvent(e);
          api.cameras().then(
            (cs) => alive && setCamera(cs.find((c) => c.name === e.camera)),
            () => undefined,
          );
        },
        () => alive && setEvent(null),
      );
    void load();
    // An event in progress gets its end and its clip a little later.
    const timer = setInterval(() => void load(), 5000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [id]);

  if (event === undefined) return <p className="loading">Loading…</p>;
  if (event === null) return <p role="alert">No event {id}.</p>;
  const duration = event.end_time === null ? null : event.end_time - event.start_time;
  const remove = async () => {
    if (!window.confirm('Delete this event with its clip and snapshot?')) return;
    try {
      await api.deleteEvent(event.id);
      navigate('/events');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <article className="detail" aria-labelledby="event-title">
      <p>
        <a href="/events" onClick={onLinkClick}>
          ← Events
        </a>
      </p>
      <h1 id="event-title">
        {event.label} on {event.camera}
      </h1>
      <div className="media">
        {event.has_clip ? (
          <video controls preload="metadata" src={media.clip(event.id)} aria-label="Event clip" />
        ) : (
          <p className="placeholder">
            {event.end_time === null ? 'The clip is stored when the event ends.' : 'No clip.'}
          </p>
        )}
        {event.has_snapshot && <Snapshot event={event} camera={camera} />}
      </div>
      <dl className="facts">
        <dt>Started</dt>
        <dd>{formatTime(event.start_time)}</dd>
        <dt>Duration</dt>
        <dd>{duration === null ? 'in progress' : formatDuration(duration)}</dd>
        <dt>Score</dt>
        <dd>
          {Math.round(event.top_score * 100)}% (last {Math.round(event.score * 100)}%)
        </dd>
        <dt>Zones</dt>
        <dd>{event.entered_zones.length > 0 ? event.entered_zones.join(', ') : 'none'}</dd>
        {event.clip && (
          <>
            <dt>Clip</dt>
            <dd>
              {formatDuration(event.clip.duration)}
              {event.clip.partial && ' (partial: part of the footage was missing)'}
            </dd>
          </>
        )}
      </dl>
      <p className="actions">
        {event.has_clip && (
          <a className="button" href={`${media.clip(event.id)}?download=1`} download>
            Download clip
          </a>
        )}
        {event.has_snapshot && (
          <a className="button" href={`${media.snapshot(event.id)}?download=1`} download>
            Download snapshot
          </a>
        )}
        <a
          className="button"
          href={`/recordings?camera=${event.camera}&at=${Math.floor(event.start_time)}`}
          onClick={onLinkClick}
        >
          In recordings
        </a>
        {user.role === 'admin' && (
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete
          </button>
        )}
      </p>
      {error && <p role="alert">{error}</p>}
    </article>
  );
}

/** The best snapshot with the object's box drawn over it (the box is in detect-frame pixels). */
function Snapshot({ event, camera }: { event: ShirikiEvent; camera: Camera | undefined }) {
  const [x1, y1, x2, y2] = event.snapshot_box ?? event.box;
  const w = camera?.detect.width ?? 0;
  const h = camera?.detect.height ?? 0;
  return (
    <figure className="snapshot">
      <img src={media.snapshot(event.id)} alt={`Snapshot of the ${event.label}`} />
      {w > 0 && h > 0 && (
        <svg viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" aria-hidden="true">
          <rect x={x1} y={y1} width={x2 - x1} height={y2 - y1} />
          <text x={x1 + 4} y={Math.max(14, y1 - 4)}>
            {event.label} {Math.round(event.top_score * 100)}%
          </text>
        </svg>
      )}
    </figure>
  );
}
