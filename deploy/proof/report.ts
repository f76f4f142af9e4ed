// The proof's report: the figures as JSON (the e2e test reads them) and as docs/proof.md.
import type { BadInputRow } from './bad-input.js';
import type { BadRequests } from './bad-requests.js';
import type { FaultRecord } from './faults.js';
import type { Ledger } from './ledger.js';
import type { ListeningSocket, SecretScan } from './security.js';
import type { SoakTrend } from './soak.js';
import type { ClipCheck } from './store.js';

export interface ProofReport {
  mode: string;
  seed: number;
  date: string;
  durationS: number;
  cameras: number;
  loopS: number;
  recoveryBoundS: number;
  outagesS: { minio: number; go2rtc: number; disk: number };
  /** Faults of the mode this machine could not inject. */
  notRun: string[];
  /** Minutes of soak (0: none). */
  soakMin: number;
  soak: (SoakTrend & { grows: boolean })[];
  /** Faults that did not recover (or found no event to hit), with why. */
  failures: string[];
  baseline: Ledger;
  faulted: Ledger;
  faults: (FaultRecord & { atS: number; hit: Ledger })[];
  badInput: BadInputRow[];
  badRequests: BadRequests;
  /** The camera whose host never answers, at the end of the run. */
  deadCamera: { state: string; reason: string; restarts: number };
  invalidInStreams: { events: number; clips: number };
  clipsChecked: number;
  /** The clips that did not decode. */
  clipChecks: ClipCheck[];
  /** Clips that decoded to the end with frames sharing a timestamp (reported, not a failure). */
  clipTimingFlaws: ClipCheck[];
  secrets: SecretScan;
  /** A connection without credentials to up's nats-server was refused. */
  natsRefusesStrangers: boolean;
  /** up's nats-server took only TLS connections (its certificate from the config). */
  natsTlsRequired: boolean;
  /** What up's process tree listens on. */
  sockets: ListeningSocket[];
  exposedSockets: ListeningSocket[];
}

/**
 * What a ledger lost or broke, in one number: zero is the goal (issue 17: nothing lost, nothing unplayable). An
 * appearance split into two events is counted and reported, not a loss: after an outage the tracker prefers an
 * event in two parts to a newcomer without an event of their own. A `new` sent twice for one event is a loss.
 */
export function losses(ledger: Ledger): number {
  return (
    ledger.lost.length +
    ledger.doubled.repeatedNew.length +
    ledger.notEnded.length +
    ledger.clipsLost.length +
    ledger.clipsUnplayable.length
  );
}

export function goalsMet(report: ProofReport | undefined): boolean {
  if (!report) return false;
  return (
    report.failures.length === 0 &&
    report.soak.every((t) => !t.grows) &&
    report.baseline.expected > 0 &&
    report.faulted.expected > 0 &&
    losses(report.baseline) === 0 &&
    losses(report.faulted) === 0 &&
    report.faults.every((f) => f.recoveryMs <= report.recoveryBoundS * 1000) &&
    report.badInput.every((row) => row.counted >= row.sent) &&
    report.badRequests.rows.every((row) => row.status >= 400 && row.status < 500 && row.explained) &&
    report.badRequests.counted4xx >= report.badRequests.rows.length &&
    report.badRequests.stillReady &&
    report.deadCamera.state === 'offline' &&
    report.deadCamera.restarts > 0 &&
    report.clipChecks.length === 0 &&
    report.secrets.findings.length === 0 &&
    report.natsRefusesStrangers &&
    report.natsTlsRequired &&
    report.sockets.length > 0 &&
    report.exposedSockets.length === 0
  );
}

function ledgerRow(name: string, l: Ledger, extra: string): string {
  return `| ${name} | ${l.expected} | ${l.lost.length} | ${l.doubled.appearances.length + l.doubled.repeatedNew.length} | ${l.outside.length} | ${l.notEnded.length} | ${l.clipsLost.length} | ${l.clipsUnplayable.length} | ${l.clipsPartial.length} | ${extra} |`;
}

export function renderReport(report: ProofReport | undefined): string {
  if (!report) return '# Proof\n\nThe run did not finish; see the output above.\n';
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const lines = [
    '# Proof',
    '',
    `\`scripts/proof.sh --mode ${report.mode} --seed ${report.seed}\`, ${report.date}, ${report.durationS} s, ` +
      `on a 2-core machine. Goals: ${goalsMet(report) ? '**all met**' : '**not all met**'}.`,
    '',
    `\`shiriki up\` with ${report.cameras} cameras, each person-walk's first appearance (${report.loopS} s) ` +
      'published into go2rtc in real time and looped, so every appearance has a known wall-clock window; and one ' +
      'camera (`gate`) whose URL carries a password and whose host does not answer. MinIO stores the clips. ' +
      `Outages: MinIO ${report.outagesS.minio} s, go2rtc ${report.outagesS.go2rtc} s, the recorder's disk ` +
      `(a tmpfs holding its segment ring and upload spool) full for ${report.outagesS.disk} s. Each fault is injected at ` +
      'a random moment of a person event (0.5-5.5 s after its `new`).',
    '',
    'Counted from the events and clips JetStream streams after the run, and from the store:',
    '- lost: an appearance wholly inside the window with no person event;',
    '- doubled: an appearance with two events (reported, not a goal: after an outage the tracker prefers an event in two parts to a newcomer without one), or an event whose `new` came twice (a goal: none);',
    '- outside: a person event in no appearance (a ghost);',
    '- not ended: an event of an appearance that never got its `end`;',
    '- clips lost: an ended event with no clip; unplayable: a stored clip ffmpeg cannot decode to the end;',
    '- partial: clips marked partial (a gap in the recording), reported, not a failure.',
    '',
    '| span | appearances | lost | doubled | outside | not ended | clips lost | unplayable | partial | recovery |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ledgerRow('fault-free baseline', report.baseline, '—'),
    ...report.faults.map((f) => ledgerRow(`${f.fault} (at ${f.atS} s)`, f.hit, `${s(f.recoveryMs)} s`)),
    ledgerRow(
      'all faults (whole window)',
      report.faulted,
      report.faults.length === 0 ? '—' : `max ${s(Math.max(...report.faults.map((f) => f.recoveryMs)))} s`,
    ),
    '',
    ...(report.failures.length > 0 ? ['**Failed:**', '', ...report.failures.map((f) => `- ${f}`), ''] : []),
    `A fault's row counts the appearances from half a loop before it to a loop after it recovered. Recovery: a ` +
      `killed process back (up's supervisor restarts it) and every camera reporting itself streaming again; for ` +
      `MinIO, the first clip stored after it came back; for go2rtc, every camera streaming after its publisher ` +
      `returned (the outage itself is blind: no appearance inside it is expected). Bound: ${report.recoveryBoundS} s.`,
    '',
    `Clips decoded: ${report.clipsChecked}; not decodable: ${report.clipChecks.length}; decodable but with ` +
      `frames that share a timestamp (the picture skips there): ${report.clipTimingFlaws.length}.` +
      (report.notRun.length > 0 ? ` Not run on this machine: ${report.notRun.join(', ')}.` : ''),
    '',
    ...(report.soakMin > 0 ? soakSection(report) : []),
    '## Bad input',
    '',
    'Each subject kind got five messages on `proof-1`: garbage, empty, JSON of the wrong shape, JSON of the ' +
      'wrong types, and 900 KiB of noise. Counted: the rise of `shiriki_bus_invalid_messages_total{subject_kind}` ' +
      'summed over the services (a subject read by two services counts twice).',
    '',
    '| subject | sent | counted |',
    '| --- | ---: | ---: |',
    ...report.badInput.map((r) => `| ${r.subjectKind} | ${r.sent} | ${r.counted} |`),
    '',
    `Undecodable messages left in the streams (the proof's own): events ${report.invalidInStreams.events}, clips ${report.invalidInStreams.clips}.`,
    '',
    'Malformed HTTP requests to the api (each must get a 4xx with a JSON error message):',
    '',
    '| request | status | error message |',
    '| --- | ---: | --- |',
    ...report.badRequests.rows.map(
      (r) => `| ${r.request} | ${r.status} | ${r.explained ? 'yes' : '**no**'} |`,
    ),
    '',
    `\`shiriki_api_requests_total\` counted ${report.badRequests.counted4xx} answers 4xx over them; the api ` +
      `${report.badRequests.stillReady ? 'stayed ready' : '**was not ready afterwards**'}.`,
    '',
    `The camera whose host never answers (\`gate\`, a password in its URL): state ${report.deadCamera.state} ` +
      `(${report.deadCamera.reason}), ${report.deadCamera.restarts} decoder restarts counted in ` +
      '`shiriki_ingest_ffmpeg_restarts_total`, while the other cameras lost nothing (above).',
    '',
    '## Secrets',
    '',
    'Searched for the camera password, the S3 secret key and the NATS password (as is and URL-encoded):',
    '',
    '| output | bytes searched |',
    '| --- | ---: |',
    ...Object.entries(report.secrets.searched).map(
      ([kind, bytes]) => `| ${kind} | ${bytes.toLocaleString('en-US')} |`,
    ),
    '',
    report.secrets.findings.length === 0
      ? 'Found: none.'
      : `Found: ${report.secrets.findings.map((f) => `${f.secret} in \`${f.where}\``).join(', ')}.`,
    '',
    `\`up\` ran its nats-server with the config's user and password ${report.natsTlsRequired ? 'and server certificate (TLS only)' : '**without TLS**'}: ` +
      `a connection without the credentials was ${report.natsRefusesStrangers ? 'refused' : '**accepted**'}.`,
    '',
    `Listening sockets of \`up\` and everything under it: ${report.sockets.map((s) => `${s.process} ${s.address}`).join(', ')}; ` +
      `reachable from other hosts: ${report.exposedSockets.length === 0 ? 'none' : report.exposedSockets.map((s) => `${s.process} ${s.address}`).join(', ')}.`,
    '',
    ...RUNNING,
  ];
  return lines.join('\n');
}

function soakSection(report: ProofReport): string[] {
  const first = (t: SoakTrend) => t.samples.find((x) => x.atS >= 180) ?? t.samples[0];
  const last = (t: SoakTrend) => t.samples.at(-1);
  return [
    `## Soak: ${report.soakMin} minutes`,
    '',
    'Resident memory (the service with its ffmpeg children) and open file descriptors (the service process), ' +
      'sampled every 30 s; the trend is read after the first 3 minutes. Growth: the last third of the run ' +
      'above the middle third by more than 10 % with a rising slope.',
    '',
    '| service | RSS at 3 min (MiB) | RSS at end (MiB) | RSS slope (MiB/h) | last/middle third | fds at 3 min | fds at end | fd slope (/h) | growth |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...report.soak.map(
      (t) =>
        `| ${t.service} | ${first(t)?.rssMiB.toFixed(0)} | ${last(t)?.rssMiB.toFixed(0)} | ${t.rssMiBPerHour.toFixed(1)} | ` +
        `${t.rssLastOverMiddle.toFixed(3)} | ${first(t)?.fds} | ${last(t)?.fds} | ${t.fdsPerHour.toFixed(1)} | ${t.grows ? '**yes**' : 'no'} |`,
    ),
    '',
  ];
}

const RUNNING = [
  '## Running it',
  '',
  '`scripts/proof.sh [--mode ci|full|soak] [--seed N] [--faults a,b] [--soak-min M] [--json FILE] [--write] [--keep]`',
  '(after `scripts/bootstrap.sh`; root for the disk-full fault, which mounts a tmpfs).',
  '',
  '| mode | cameras | faults | run time here |',
  '| --- | ---: | --- | ---: |',
  '| `ci` (run by `.ci/run` through deploy/test/proof.e2e.test.ts) | 2 | each once but ingest and api; outages 10-20 s | about 6 min (about 360 s) |',
  '| `full` | 3 | every fault twice, a second ingest for the failover; outages MinIO 60 s, go2rtc 30 s, disk 30 s | about 13 min (759 s on 2026-12-07) |',
  '| `soak` | 3 | none; memory and file descriptors sampled for 30 min | about 33 min |',
  '| `load` (docs/proof-load.md) | 2, 4, 6, ... until frames drop | none; a minute of metrics per step | about 2 min a step |',
  '',
  '`--faults` picks faults by name (`--faults nats,minio`); `--keep` keeps the data directory with every log.',
  '',
  'Covered elsewhere: one NATS node of three lost and an ingest host lost with its leases are the multi-host',
  'test bed (`scripts/testbed.sh`, docs/benchmarks/cluster.md); the capacity of each stage alone is',
  '`bench/pipeline-capacity.ts` (docs/benchmarks/pipeline-capacity.md); malformed frames and every message',
  'schema are fuzzed by property tests (packages/bus/src/codec-fuzz.test.ts); bad configs by the config tests',
  '(`shiriki config check`, every error with its path).',
  '',
];
