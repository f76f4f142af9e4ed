import type { Camera } from '../api';

export function StatusBadge({ camera }: { camera: Camera }) {
  return (
    <span className="badges">
      <span className={`badge status-${camera.status}`} title={camera.reason ?? undefined}>
        {camera.status}
      </span>
      <span className="badge">{camera.fps_in.toFixed(1)} fps</span>
      {camera.motion.active && <span className="badge motion">motion</span>}
    </span>
  );
}
