#!/usr/bin/env node
// The multi-host test bed: shiriki across network namespaces ("hosts") on one machine, a 3-node JetStream
// cluster, ingest on 2 hosts, detectors on 1, 2 then 3 hosts, tracker, recorder and api on a core host. It
// measures inferences/s by detector hosts and runs three faults (an ingest host killed, a NATS node killed,
// a detector host cut off the network), then prints a table and, with --write, saves docs/benchmarks/cluster.md.
// Run through scripts/testbed.sh (root: namespaces and cgroups).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { repoRoot, sleep, waitFor } from '@shiriki/testing';
import { TestbedNetwork } from './network.js';
import { DETECTORS_CONSUMER, EVENTS_STREAM, FRAMES_STREAM, TestbedStack, type BedProcess } from './stack.js';
import { renderReport, type Report } from './report.js';

const { values: args } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    'measure-s': { type: 'string', default: '30' },
    'warm-s': { type: 'string', default: '15' },
    'detector-cpus': { type: 'string', default: '0.25' },
    'load-cameras': { type: 'string', default: '4' },
    'keep-dir': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const measureS = Number(args['measure-s']);
const warmS = Number(args['warm-s']);
const detectorCpus = Number(args['detector-cpus']);
const loadCameras = Number(args['load-cameras']);
const LEASE_TTL_S = 6;
const HEARTBEAT_S = 1.5;
const cutPhaseCpus = 0.7;
const DETECT_FPS = 5;

const natsHosts = ['nats-1', 'nats-2', 'nats-3'];
const detectorHosts = ['det-1', 'det-2', 'det-3'];
const network = await TestbedNetwork.create([
  { name: 'cams' },
  ...natsHosts.map((name) => ({ name })),
  { name: 'ingest-a' },
  { name: 'ingest-b' },
  ...detectorHosts.map((name) => ({ name, cpus: detectorCpus })),
  { name: 'core' },
]);
// Not makeTempDir: that one is removed at exit, and --keep-dir keeps the logs for a post-mortem.
const dir = mkdtempSync(join(tmpdir(), 'shiriki-testbed-'));
const stack = new TestbedStack({
  network,
  dir,
  natsHosts,
  camsHost: 'cams',
  loadCameras,
  detectFps: DETECT_FPS,
  leaseTtlS: LEASE_TTL_S,
  heartbeatS: HEARTBEAT_S,
});
const log = (message: string): void =>
  console.log(`[testbed ${new Date().toISOString().slice(11, 19)}] ${message}`);
let exitCode = 0;
const onSignal = (): void => void shutdown(130);
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

try {
  const report = await run();
  const text = renderReport(report);
  console.log(`\n${text}`);
  if (args.json) writeFileSync(args.json, JSON.stringify(report, null, 2));
  if (args.write) {
    const path = join(repoRoot(), 'docs/benchmarks/cluster.md');
    writeFileSync(path, text);
    log(`wrote ${path}`);
  }
} catch (error) {
  console.error('[testbed] failed:', error);
  for (const p of stack.processes) console.error(`--- ${p.name}: ${p.logFile}`);
  exitCode = 1;
} finally {
  await shutdown(exitCode);
}

async function shutdown(code: number): Promise<void> {
  await stack.stopAll();
  await network.destroy();
  if (!args['keep-dir']) rmSync(dir, { recursive: true, force: true });
  else log(`kept ${dir}`);
  process.exit(code);
}

async function run(): Promise<Report> {
  const startedAt = new Date();
  log(`hosts on 10.213.x.0/24; detector hosts capped at ${detectorCpus} core each`);
  await stack.startNats();
  await stack.startCamsAndStore();
  log('NATS cluster (3 nodes), go2rtc and MinIO up');
  const nc = await connect({ servers: stack.natsUrls, name: 'testbed', maxReconnectAttempts: -1 });
  const jsm = await jetstreamManager(nc);

  await stack.startService('tracker', 'core', 9464);
  await stack.startService('recorder', 'core', 9465);
  await stack.startService('api', 'core', 9466);
  await startDetector('det-1');
  await stack.startService('ingest', 'ingest-a');
  await stack.startService('ingest', 'ingest-b');
  await waitFor(async () => (await streamingCameras()) === stack.cameras.length, {
    what: 'every camera to stream',
    timeoutMs: 90_000,
    intervalMs: 500,
  });
  log(`${stack.cameras.length} cameras streaming across ingest-a and ingest-b`);

  // --- inferences/s by detector hosts ---
  const throughput: Report['throughput'] = [];
  for (let hosts = 1; hosts <= detectorHosts.length; hosts++) {
    if (hosts > 1) await startDetector(detectorHosts[hosts - 1]!);
    await sleep(warmS * 1000);
    const before = await counters();
    const cpuBefore = await Promise.all(detectorHosts.map((name) => network.cpuSeconds(name)));
    const t0 = Date.now();
    await sleep(measureS * 1000);
    const after = await counters();
    const seconds = (Date.now() - t0) / 1000;
    const cpuAfter = await Promise.all(detectorHosts.map((name) => network.cpuSeconds(name)));
    const cores = cpuAfter.reduce((sum, cpu, i) => sum + cpu - cpuBefore[i]!, 0) / seconds;
    const row = {
      detectorHosts: hosts,
      offeredFps: (after.published - before.published) / seconds,
      inferencesPerS: (after.inferred - before.inferred) / seconds,
      staleSkippedPerS: (after.stale - before.stale) / seconds,
      detectorCores: cores,
    };
    throughput.push(row);
    log(
      `${hosts} detector host(s): ${row.inferencesPerS.toFixed(1)} inferences/s of ${row.offeredFps.toFixed(1)} frames/s offered`,
    );
  }

  const memory = stack.processes
    .filter((p) => p.metricsUrl !== undefined)
    .map((p) => ({ process: p.name, rssMiB: treeRssMiB(p.child.pid) }));

  // --- fault 1: an ingest host dies (kill -9 of everything on it) ---
  const ingestA = stack.services('ingest').find((p) => p.host.name === 'ingest-a')!;
  const ownedByA = await stack.sum([ingestA], 'shiriki_ingest_cameras_owned');
  const eventsBeforeKill = await streamMessages(jsm, EVENTS_STREAM);
  const killAt = Date.now();
  await network.killHost('ingest-a');
  stack.processes.splice(stack.processes.indexOf(ingestA), 1);
  await waitFor(
    async () =>
      (await stack.sum(stack.services('ingest'), 'shiriki_ingest_cameras_owned')) === stack.cameras.length,
    { what: "ingest-b to take ingest-a's leases", timeoutMs: 120_000, intervalMs: 100 },
  );
  const ownedAfterS = (Date.now() - killAt) / 1000;
  await waitFor(async () => (await streamingCameras()) === stack.cameras.length, {
    what: "ingest-a's cameras to stream on ingest-b",
    timeoutMs: 120_000,
    intervalMs: 250,
  });
  const resumedAfterS = (Date.now() - killAt) / 1000;
  await sleep(20_000);
  const eventsAfterKill = (await streamMessages(jsm, EVENTS_STREAM)) - eventsBeforeKill;
  log(`ingest-a killed: its ${ownedByA} cameras streamed on ingest-b after ${resumedAfterS.toFixed(1)} s`);

  // --- fault 2: a NATS node dies; the node leading the frames stream (R1), the worst one to lose ---
  const windowS = 60;
  const baseline = await eventWindow(jsm, windowS, () => Promise.resolve());
  const framesLeader = (await jsm.streams.info(FRAMES_STREAM)).cluster?.leader ?? 'nats-1';
  const natsVictim = natsHosts.includes(framesLeader) ? framesLeader : 'nats-1';
  let framesResumedAfterS = Number.NaN;
  let reconnectedAfterS = Number.NaN;
  const faulted = await eventWindow(jsm, windowS, async () => {
    const natsKillAt = Date.now();
    await network.killHost(natsVictim);
    await sleep(10_000);
    await stack.startNatsNode(natsVictim);
    const inferredAt = (await counters()).inferred;
    await waitFor(async () => (await counters()).inferred > inferredAt, {
      what: 'frames to flow again',
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    framesResumedAfterS = (Date.now() - natsKillAt) / 1000;
    await waitFor(async () => await allReady(), {
      what: 'every service ready',
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    reconnectedAfterS = (Date.now() - natsKillAt) / 1000;
  });
  log(
    `${natsVictim} killed and restarted 10 s later: frames again after ${framesResumedAfterS.toFixed(1)} s; ` +
      `events ${faulted.streamEvents} in the stream of ${faulted.trackerEvents} published (baseline ${baseline.streamEvents})`,
  );

  // --- fault 3: a detector host is cut off the network for 20 s ---
  // The two that stay get room to take its share; the per-camera buffer is deep enough (see the stack's
  // config) that no frame is dropped oldest-first, so every frame can be accounted for.
  for (const name of ['det-2', 'det-3']) network.setCpus(name, cutPhaseCpus);
  await sleep(warmS * 1000);
  // Frames flow while the counters are read one after the other, so the order is chosen to never show a
  // frame as lost that is not: at the start handled, then backlog, then published (a frame published in
  // between counts as published, never as handled or waiting); at the end published, then (once the frames
  // on the wire have reached the stream) backlog, then handled. What is left over is then at most what was
  // really lost.
  const handledBefore = await handledCounts();
  const pendingBefore = await consumerBacklog(jsm);
  const publishedBefore = await publishedCount();
  await network.cutOff('det-1');
  await sleep(20_000);
  await network.reconnect('det-1');
  await sleep(20_000);
  await waitFor(async () => (await consumerBacklog(jsm)) <= pendingBefore + 5 * stack.cameras.length, {
    what: 'the backlog to settle',
    timeoutMs: 60_000,
    intervalMs: 500,
  });
  const publishedAfter = await publishedCount();
  await sleep(500);
  const pendingAfter = await consumerBacklog(jsm);
  const after = await handledCounts();
  const cut = {
    published: publishedAfter - publishedBefore,
    handled: after.inferred + after.stale - handledBefore.inferred - handledBefore.stale,
    redelivered: after.redelivered - handledBefore.redelivered,
    givenUp: after.dropped - handledBefore.dropped,
    backlogChange: pendingAfter - pendingBefore,
  };
  log(`det-1 cut off for 20 s: ${cut.redelivered} frames redelivered to the other detectors`);

  await nc.drain();
  return {
    date: startedAt.toISOString(),
    machine: `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
    cameras: stack.cameras.length,
    detectFps: DETECT_FPS,
    detectorCpus,
    leaseTtlS: LEASE_TTL_S,
    heartbeatS: HEARTBEAT_S,
    measureS,
    throughput,
    memory,
    ingestKill: { camerasMoved: ownedByA, ownedAfterS, resumedAfterS, eventsIn20sAfter: eventsAfterKill },
    natsKill: { node: natsVictim, framesResumedAfterS, reconnectedAfterS, windowS, baseline, faulted },
    detectorCut: { ...cut, othersCpus: cutPhaseCpus },
  };
}

/** Starts a detector without its CPU cap (loading TypeScript and the model), then caps the host. */
async function startDetector(host: string): Promise<void> {
  network.setCpus(host, 2);
  await stack.startService('detector', host);
  network.setCpus(host, detectorCpus);
}

interface HandledCounts {
  inferred: number;
  stale: number;
  redelivered: number;
  dropped: number;
}

async function counters(): Promise<HandledCounts & { published: number }> {
  return { published: await publishedCount(), ...(await handledCounts()) };
}

async function publishedCount(): Promise<number> {
  return stack.sum(stack.services('ingest'), 'shiriki_ingest_frames_published_total');
}

async function handledCounts(): Promise<HandledCounts> {
  const detectors = stack.services('detector');
  return {
    inferred: await stack.sum(detectors, 'shiriki_detector_frames_inferred_total'),
    stale: await stack.sum(detectors, 'shiriki_detector_frames_stale_total'),
    redelivered: await stack.sum(detectors, 'shiriki_detector_frames_redelivered_total'),
    dropped: await stack.sum(detectors, 'shiriki_detector_frames_dropped_total'),
  };
}

async function streamingCameras(): Promise<number> {
  return stack.sum(stack.services('ingest'), 'shiriki_ingest_camera_state', (line) =>
    line.includes('state="streaming"'),
  );
}

async function allReady(): Promise<boolean> {
  const results = await Promise.all(
    stack.processes
      .filter((p: BedProcess) => p.metricsUrl !== undefined)
      .map((p) =>
        fetch(`${p.metricsUrl}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
          (r) => r.ok,
          () => false,
        ),
      ),
  );
  return results.every(Boolean);
}

async function streamMessages(jsm: JetStreamManager, stream: string): Promise<number> {
  for (;;) {
    try {
      return (await jsm.streams.info(stream)).state.messages;
    } catch {
      await sleep(500); // no leader for a moment while a node restarts
    }
  }
}

async function consumerBacklog(jsm: JetStreamManager): Promise<number> {
  const info = await jsm.consumers.info(FRAMES_STREAM, DETECTORS_CONSUMER);
  return info.num_pending + info.num_ack_pending;
}

/** Events stored and events the tracker says it published, over a window in which `during` runs. */
async function eventWindow(
  jsm: JetStreamManager,
  seconds: number,
  during: () => Promise<void>,
): Promise<{ streamEvents: number; trackerEvents: number; notPublished: number }> {
  const tracker = stack.services('tracker');
  const stream0 = await streamMessages(jsm, EVENTS_STREAM);
  const tracker0 = await stack.sum(tracker, 'shiriki_tracker_events_total');
  const end = Date.now() + seconds * 1000;
  await during();
  await sleep(Math.max(0, end - Date.now()));
  await sleep(3000); // the last publishes of the window settle
  const notPublished = countLines(tracker[0]!.logFile, 'event not published');
  return {
    streamEvents: (await streamMessages(jsm, EVENTS_STREAM)) - stream0,
    trackerEvents: (await stack.sum(tracker, 'shiriki_tracker_events_total')) - tracker0,
    notPublished,
  };
}

function countLines(file: string, text: string): number {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes(text)).length;
  } catch {
    return 0;
  }
}

/** Resident memory of a process and its children (ingest's ffmpeg decoders, the recorder's segmenters). */
function treeRssMiB(pid: number): number {
  let kib = 0;
  const visit = (at: number): void => {
    try {
      const status = readFileSync(`/proc/${at}/status`, 'utf8');
      kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const children = readFileSync(`/proc/${at}/task/${at}/children`, 'utf8').trim();
      for (const child of children.split(' ').filter(Boolean)) visit(Number(child));
    } catch {
      // exited meanwhile
    }
  };
  visit(pid);
  return kib / 1024;
}
