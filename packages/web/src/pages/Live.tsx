import { useEffect, useRef, useState } from 'react';
import { api, media, type Camera } from '../api';
import { StatusBadge } from '../components/StatusBadge';
import { usePolling } from '../components/usePolling';
import { onLinkClick } from '../router';

/** Every camera live: go2rtc's MP4 stream through the api, a JPEG every 2 s when video cannot play. */
export function Live() {
  const { value: cameras, error } = usePolling(api.cameras, 3000);
  if (error && !cameras) return <p role="alert">Cameras unavailable: {error}</p>;
  if (!cameras) return <p className="loading">Loading cameras…</p>;
  return (
    <section aria-labelledby="live-title">
      <h1 id="live-title">Live</h1>
      <div className="grid">
        {cameras.map((camera) => (
          <CameraTile key={camera.name} camera={camera} />
        ))}
      </div>
    </section>
  );
}

function CameraTile({ camera }: { camera: Camera }) {
  const [fallback, setFallback] = useState(false);
  const [tick, setTick] = useState(0);
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (!fallback) return;
    const timer = setInterval(() => setTick((t) => t + 1), 2000);
    return () => clearInterval(timer);
  }, [fallback]);

  // A stream that stops moving (camera gone, network) falls back to pictures and tries video again later.
  useEffect(() => {
    if (fallback) {
      const retry = setTimeout(() => setFallback(false), 30_000);
      return () => clearTimeout(retry);
    }
    // A stream that has played and stopped moving for 10 s falls back; one still starting (the camera's
    // first keyframe, a busy host) gets 30 s before it does.
    let last = -1;
    let waited = 0;
    const watchdog = setInterval(() => {
      const v = video.current;
      if (!v) return;
      waited += 10_000;
      const stuck = v.currentTime === last && !v.paused;
      if (stuck && (v.currentTime > 0 || waited >= 30_000)) setFallback(true);
      last = v.currentTime;
    }, 10_000);
    return () => clearInterval(watchdog);
  }, [fallback]);

  return (
    <figure className="tile">
      {fallback ? (
        <img src={`${media.latest(camera.name)}&t=${tick}`} alt={`${camera.name} (still picture)`} />
      ) : (
        <video
          ref={video}
          src={media.live(camera.name)}
          autoPlay
          muted
          playsInline
          aria-label={`${camera.name} live`}
          data-camera={camera.name}
          onError={() => setFallback(true)}
          // `autoPlay` alone is not enough where the browser checks `muted` before React has set it.
          onLoadedMetadata={(e) => {
            e.currentTarget.muted = true;
            e.currentTarget.play().catch(() => setFallback(true));
          }}
        />
      )}
      <figcaption>
        <a href={`/events?camera=${camera.name}`} onClick={onLinkClick}>
          {camera.name}
        </a>
        <StatusBadge camera={camera} />
      </figcaption>
    </figure>
  );
}
