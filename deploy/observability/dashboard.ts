// Writes deploy/observability/grafana-dashboard.json: shiriki's Grafana dashboard over the services' metrics.
// The panels are listed here once; `--check` fails when the JSON is out of date (the deploy tests run it).
//   node --import tsx deploy/observability/dashboard.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Panel {
  title: string;
  description: string;
  unit: string;
  /** PromQL with the legend of each series. */
  targets: [expr: string, legend: string][];
  /** Stat panels show one number; the rest are time series. */
  type?: 'timeseries' | 'stat';
}

interface Row {
  title: string;
  panels: Panel[];
}

const ROWS: Row[] = [
  {
    title: 'Cameras',
    panels: [
      {
        title: 'Cameras streaming',
        description: 'Cameras whose ingest worker receives frames.',
        unit: 'none',
        type: 'stat',
        targets: [['sum(shiriki_ingest_camera_state{state="streaming"})', 'streaming']],
      },
      {
        title: 'Cameras offline or stalled',
        description: 'Cameras that send no frames (alert: ShirikiCameraOffline).',
        unit: 'none',
        type: 'stat',
        targets: [
          ['sum(shiriki_ingest_camera_state{state=~"offline|stalled"}) or vector(0)', 'not streaming'],
        ],
      },
      {
        title: 'Frames decoded per camera',
        description: 'Frames/s each camera delivers at the detect size and rate.',
        unit: 'fps',
        targets: [['sum by (camera) (rate(shiriki_ingest_frames_in_total[1m]))', '{{camera}}']],
      },
      {
        title: 'Frames sent for detection',
        description: 'Frames/s published to the detectors (motion, or tracked objects in view).',
        unit: 'fps',
        targets: [['sum by (camera) (rate(shiriki_ingest_frames_published_total[1m]))', '{{camera}}']],
      },
      {
        title: 'Motion',
        description: 'Cameras with motion now.',
        unit: 'none',
        targets: [['sum by (camera) (shiriki_ingest_motion_active)', '{{camera}}']],
      },
      {
        title: 'ffmpeg restarts',
        description: 'Stream restarts per camera over 15 minutes: a flapping camera or network.',
        unit: 'none',
        targets: [['sum by (camera) (increase(shiriki_ingest_ffmpeg_restarts_total[15m]))', '{{camera}}']],
      },
    ],
  },
  {
    title: 'Detectors',
    panels: [
      {
        title: 'Inferences/s',
        description: 'Frames the detector pods inferred, all pods together and per pod.',
        unit: 'ops',
        targets: [
          ['sum(rate(shiriki_detector_frames_inferred_total[1m]))', 'all'],
          ['sum by (pod) (rate(shiriki_detector_frames_inferred_total[1m]))', '{{pod}}'],
        ],
      },
      {
        title: 'Backlog',
        description: 'Frames waiting in the detectors consumer (KEDA scales on pending).',
        unit: 'none',
        targets: [['max by (kind) (shiriki_detector_backlog_frames)', '{{kind}}']],
      },
      {
        title: 'Busy',
        description: 'Share of time each detector spends in the model; near 1 means add pods.',
        unit: 'percentunit',
        targets: [['shiriki_detector_busy_ratio', '{{pod}}']],
      },
      {
        title: 'Inference time p50 / p99',
        description: 'Model time per frame.',
        unit: 's',
        targets: [
          [
            'histogram_quantile(0.5, sum by (le) (rate(shiriki_detector_inference_seconds_bucket[5m])))',
            'p50',
          ],
          [
            'histogram_quantile(0.99, sum by (le) (rate(shiriki_detector_inference_seconds_bucket[5m])))',
            'p99',
          ],
        ],
      },
      {
        title: 'Frames not inferred',
        description:
          'Skipped as too old, redelivered after a worker went silent, given up after max deliveries, and lost on the way (evicted from the frames stream while the detectors fell behind: the holes the tracker sees).',
        unit: 'ops',
        targets: [
          ['sum(rate(shiriki_detector_frames_stale_total[5m]))', 'stale'],
          ['sum(rate(shiriki_detector_frames_redelivered_total[5m]))', 'redelivered'],
          ['sum(rate(shiriki_detector_frames_dropped_total[5m]))', 'given up'],
          ['sum(rate(shiriki_tracker_frame_gaps_total[5m]))', 'lost on the way'],
        ],
      },
    ],
  },
  {
    title: 'Events and clips',
    panels: [
      {
        title: 'Object events',
        description: 'Events published per minute, by camera and type.',
        unit: 'none',
        targets: [
          ['sum by (camera, type) (increase(shiriki_tracker_events_total[1m]))', '{{camera}} {{type}}'],
        ],
      },
      {
        title: 'Tracked objects',
        description: 'Objects tracked now per camera.',
        unit: 'none',
        targets: [['sum by (camera) (shiriki_tracker_tracked_objects)', '{{camera}}']],
      },
      {
        title: 'Alerts',
        description: 'Alerts raised per minute.',
        unit: 'none',
        targets: [['sum by (camera) (increase(shiriki_tracker_alerts_total[1m]))', '{{camera}}']],
      },
      {
        title: 'Clips stored',
        description: 'Clips per minute by result: uploaded to the object store, or spooled while it is down.',
        unit: 'none',
        targets: [['sum by (result) (increase(shiriki_recorder_clips_total[1m]))', '{{result}}']],
      },
      {
        title: 'Spool',
        description: 'Bytes waiting for the object store, against the limit (alerts: ShirikiSpoolFilling).',
        unit: 'bytes',
        targets: [
          ['sum(shiriki_recorder_spool_bytes)', 'spooled'],
          ['max(shiriki_recorder_spool_max_bytes)', 'limit'],
        ],
      },
      {
        title: 'Recorder failures',
        description: 'By reason: store_unavailable, cut, no_footage, spool_dropped...',
        unit: 'none',
        targets: [['sum by (reason) (increase(shiriki_recorder_failures_total[5m]))', '{{reason}}']],
      },
    ],
  },
  {
    title: 'API',
    panels: [
      {
        title: 'Requests',
        description: 'Requests/s by status code.',
        unit: 'reqps',
        targets: [['sum by (status) (rate(shiriki_api_requests_total[1m]))', '{{status}}']],
      },
      {
        title: 'Latency p99',
        description: 'Time to answer, 99th percentile.',
        unit: 's',
        targets: [
          ['histogram_quantile(0.99, sum by (le) (rate(shiriki_api_request_seconds_bucket[5m])))', 'p99'],
        ],
      },
    ],
  },
];

/** Every shiriki metric the dashboard reads (the tests check each exists in a service's registry). */
export function dashboardMetrics(): string[] {
  const names = new Set<string>();
  for (const row of ROWS)
    for (const panel of row.panels)
      for (const [expr] of panel.targets)
        for (const match of expr.matchAll(/shiriki_[a-z_]+/g))
          names.add(match[0].replace(/_(bucket|sum|count)$/, ''));
  return [...names].sort();
}

export function renderDashboard(): string {
  const panels: object[] = [];
  let id = 1;
  let y = 0;
  for (const row of ROWS) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
    });
    y += 1;
    row.panels.forEach((panel, i) => {
      const stat = panel.type === 'stat';
      panels.push({
        id: id++,
        type: panel.type ?? 'timeseries',
        title: panel.title,
        description: panel.description,
        datasource: { type: 'prometheus', uid: '${datasource}' },
        fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
        options: stat ? { reduceOptions: { calcs: ['lastNotNull'] } } : { legend: { displayMode: 'list' } },
        gridPos: {
          h: stat ? 4 : 8,
          w: stat ? 6 : 12,
          x: stat ? (i % 4) * 6 : (i % 2) * 12,
          y: y + Math.floor(i / 2) * 8,
        },
        targets: panel.targets.map(([expr, legendFormat], t) => ({
          refId: String.fromCharCode(65 + t),
          expr,
          legendFormat,
          datasource: { type: 'prometheus', uid: '${datasource}' },
        })),
      });
    });
    y += Math.ceil(row.panels.length / 2) * 8;
  }
  const dashboard = {
    uid: 'shiriki-overview',
    title: 'shiriki',
    description: 'Cameras, detectors, events, clips and the API of a shiriki deployment.',
    tags: ['shiriki', 'nvr'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-3h', to: 'now' },
    templating: {
      list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' }],
    },
    panels,
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

const here = dirname(fileURLToPath(import.meta.url));
export const DASHBOARD_PATH = join(here, 'grafana-dashboard.json');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = renderDashboard();
  if (process.argv.includes('--check')) {
    if (readFileSync(DASHBOARD_PATH, 'utf8') !== text) {
      console.error(
        `${DASHBOARD_PATH} is out of date: run node --import tsx deploy/observability/dashboard.ts`,
      );
      process.exit(1);
    }
  } else {
    writeFileSync(DASHBOARD_PATH, text);
    console.log(`wrote ${DASHBOARD_PATH}`);
  }
}
