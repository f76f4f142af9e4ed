import { useState } from 'react';
import { media, type ShirikiEvent } from '../api';
import { formatDuration, formatTime } from '../format';
import { onLinkClick } from '../router';

export function EventCard({ event }: { event: ShirikiEvent }) {
  const [broken, setBroken] = useState(false);
  const duration = event.end_time === null ? null : event.end_time - event.start_time;
  return (
    <li className="event" data-event-id={event.id}>
      <a href={`/events/${encodeURIComponent(event.id)}`} onClick={onLinkClick}>
        {event.has_snapshot && !broken ? (
          <img src={media.thumbnail(event.id)} alt="" loading="lazy" onError={() => setBroken(true)} />
        ) : (
          <span className="no-thumb" aria-hidden="true">
            {event.label}
          </span>
        )}
        <span className="what">
          <strong>{event.label}</strong> on {event.camera}
          {event.end_time === null && <span className="badge live">in progress</span>}
        </span>
        <span className="when">{formatTime(event.start_time)}</span>
        <span className="meta">
          {Math.round(event.top_score * 100)}%{duration !== null && ` · ${formatDuration(duration)}`}
          {event.entered_zones.length > 0 && ` · ${event.entered_zones.join(', ')}`}
          {event.has_clip && ' · clip'}
        </span>
      </a>
    </li>
  );
}
