/** What one test bed run measured; every figure of docs/benchmarks/cluster.md comes from here. */
export interface Report {
  date: string;
  machine: string;
  cameras: number;
  detectFps: number;
  detectorCpus: number;
  leaseTtlS: number;
  heartbeatS: number;
  measureS: number;
  throughput: {
    detectorHosts: number;
    offeredFps: number;
    inferencesPerS: number;
    staleSkippedPerS: number;
    detectorCores: number;
  }[];
  /** Resident memory of each service (with its ffmpeg children) after the throughput runs. */
  memory: { process: string; rssMiB: number }[];
  ingestKill: { camerasMoved: number; ownedAfterS: number; resumedAfterS: number; eventsIn20sAfter: number };
  natsKill: {
    node: string;
    framesResumedAfterS: number;
    reconnectedAfterS: number;
    windowS: number;
    baseline: EventWindow;
    faulted: EventWindow;
  };
  detectorCut: {
    published: number;
    handled: number;
    redelivered: number;
    givenUp: number;
    backlogChange: number;
    othersCpus: number;
  };
}

export interface EventWindow {
  streamEvents: number;
  trackerEvents: number;
  notPublished: number;
}

const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

export function renderReport(r: Report): string {
  const first = r.throughput[0]?.inferencesPerS ?? Number.NaN;
  const cut = r.detectorCut;
  const unaccounted = cut.published - cut.handled - cut.givenUp - cut.backlogChange;
  return `# Multi-host test bed

Run: \`sudo bash scripts/testbed.sh --write\` (the deploy test runs it without \`--write\`). Date: ${r.date}.
Machine: ${r.machine}. Every figure below is from this one run.

Hosts are network namespaces on one bridge, each with its own address and loopback: \`cams\` (go2rtc with
${r.cameras} cameras, MinIO), \`nats-1..3\` (a JetStream cluster; events, clips, leases and tracker state at R3),
\`ingest-a\` and \`ingest-b\`, \`det-1..3\` (each capped at ${r.detectorCpus} core by a CPU cgroup, so that three
detector hosts fit beside the rest of the stack on this machine), and \`core\` (tracker, recorder, api). Cameras:
two looping person-walk clips, parking-lot, and synthetic patterns that keep the detectors loaded; detect at
640x360, ${r.detectFps} fps, YOLOX-Nano on the regions with motion (the default).

## Inferences/s by detector hosts (${r.measureS} s each)

| detector hosts | frames/s offered | inferences/s | per host | scaling vs 1 host | skipped as stale/s | detector cores used |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${r.throughput
  .map(
    (t) =>
      `| ${t.detectorHosts} | ${f1(t.offeredFps)} | ${f1(t.inferencesPerS)} | ${f1(t.inferencesPerS / t.detectorHosts)} | ${(t.inferencesPerS / first).toFixed(2)}x | ${f1(t.staleSkippedPerS)} | ${t.detectorCores.toFixed(2)} |`,
  )
  .join('\n')}

Frames a detector picks up later than \`detector.max_frame_age_ms\` are skipped and counted, not inferred; once the
hosts keep up with what ingest offers, more hosts add nothing.

## Memory of each service after the throughput runs (RSS, with its ffmpeg children)

| process | RSS MiB |
| --- | ---: |
${r.memory.map((m) => `| ${m.process} | ${m.rssMiB.toFixed(0)} |`).join('\n')}

## Faults

| fault | what happened | figures |
| --- | --- | --- |
| \`kill -9\` of everything on ingest-a | its cameras moved to ingest-b | ${r.ingestKill.camerasMoved} cameras: leases taken by ingest-b after ${f1(r.ingestKill.ownedAfterS)} s (lease TTL ${r.leaseTtlS} s, heartbeat ${r.heartbeatS} s), streaming again after ${f1(r.ingestKill.resumedAfterS)} s; ${r.ingestKill.eventsIn20sAfter} events stored in the 20 s after |
| \`kill -9\` of NATS node ${r.natsKill.node} (leader of the R1 frames stream), restarted 10 s later | services reconnected, frames flowed again | frames again after ${f1(r.natsKill.framesResumedAfterS)} s, every service ready after ${f1(r.natsKill.reconnectedAfterS)} s |
| same, events over ${r.natsKill.windowS} s | no event lost | tracker published ${r.natsKill.faulted.trackerEvents}, stream stored ${r.natsKill.faulted.streamEvents}, not published ${r.natsKill.faulted.notPublished}; without the fault: ${r.natsKill.baseline.trackerEvents} published, ${r.natsKill.baseline.streamEvents} stored |
| det-1 cut off the network for 20 s (det-2 and det-3 at ${cut.othersCpus} core) | its frames were redelivered to det-2 and det-3 | ${cut.redelivered} redeliveries; frames published ${cut.published}, inferred or skipped as stale ${cut.handled}, given up after max deliveries ${cut.givenUp}, backlog change ${cut.backlogChange}: ${unaccounted} left over (0: every frame accounted for; above 0: frames lost, as the per-camera buffer is deep enough that none is dropped oldest-first; below 0: frames handled twice, once by the cut-off host whose ack was lost, or published while the counters were being read) |

Events count every object event message (new, update, end). The tracker counts an event as published only
once JetStream has acknowledged it (deduplicated by message id); one that fails every attempt stays in its
outbox and is logged as "event not published".
`;
}
