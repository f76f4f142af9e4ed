import { api } from '../api';
import { usePolling } from '../components/usePolling';
import { formatBytes, formatClock } from '../format';

export function System() {
  const { value: stats, error } = usePolling(api.stats, 5000);
  if (error && !stats) return <p role="alert">Stats unavailable: {error}</p>;
  if (!stats) return <p className="loading">Loading…</p>;
  const d = stats.detector;
  return (
    <section aria-labelledby="sys-title" className="system">
      <h1 id="sys-title">System</h1>
      <h2>Services</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">service</th>
            <th scope="col">instance</th>
            <th scope="col">state</th>
            <th scope="col">up since</th>
            <th scope="col">busy</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(stats.services).flatMap(([service, instances]) =>
            instances.map((i) => (
              <tr key={`${service}/${i.instance}`}>
                <td>{service}</td>
                <td>{i.instance}</td>
                <td>{i.state}</td>
                <td>{formatClock(i.started_at)}</td>
                <td>{i.busy_ratio === null ? '—' : `${Math.round(i.busy_ratio * 100)}%`}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      <h2>Cameras</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">camera</th>
            <th scope="col">state</th>
            <th scope="col">owner</th>
            <th scope="col">fps</th>
            <th scope="col">frames</th>
            <th scope="col">dropped</th>
            <th scope="col">restarts</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(stats.cameras).map(([name, c]) => (
            <tr key={name}>
              <td>{name}</td>
              <td>{c.state}</td>
              <td>{c.owner ?? '—'}</td>
              <td>{c.fps_in.toFixed(1)}</td>
              <td>{c.frames_published}</td>
              <td>{c.frames_dropped}</td>
              <td>{c.restarts}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Detectors and storage</h2>
      <dl className="facts">
        <dt>Frames waiting for a detector</dt>
        <dd>{d.backlog ?? '—'}</dd>
        <dt>Frames being inferred</dt>
        <dd>{d.in_flight ?? '—'}</dd>
        <dt>Redelivered frames</dt>
        <dd>{d.redelivered ?? '—'}</dd>
        <dt>Events indexed</dt>
        <dd>{stats.index.events}</dd>
        <dt>Storage ({stats.storage.kind})</dt>
        <dd>
          {stats.storage.bytes === null
            ? 'measuring…'
            : `${formatBytes(stats.storage.bytes)} in ${stats.storage.objects} objects`}
        </dd>
        <dt>Version</dt>
        <dd>{stats.version}</dd>
      </dl>
    </section>
  );
}
