import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  DetectionsSchema,
  createSubjects,
  decodeJson,
  readSnapshotHeaders,
  type Detections,
} from '@shiriki/bus';
import {
  assetPath,
  logTail,
  makeTempDir,
  removeTempDir,
  sleep,
  spawnService,
  startGo2rtc,
  startNatsServer,
  waitForLog,
  type Go2rtcServer,
  type NatsServer,
  type ServiceProcess,
} from '@shiriki/testing';
import { writeTestConfig } from './harness.js';

interface Truth {
  person_intervals_s: [number, number][];
}

/**
 * Clip time comes from when ingest started ffmpeg (go2rtc starts the clip when that first consumer connects,
 * 0.1-0.5 s later); motion needs a few frames to confirm and people enter at the frame's edge. 2.5 s covers it.
 */
const TOLERANCE_S = 2.5;
/** Longest stretch inside an interval without a person detection: tracking refreshes come every second. */
const MAX_GAP_S = 3.5;
const OBSERVE_UNTIL_CLIP_S = 137;

let nats: NatsServer;
let go2rtc: Go2rtcServer;
let nc: NatsConnection;
let dir: string;
const services: ServiceProcess[] = [];

before(async () => {
  dir = makeTempDir('detector-e2e');
  [nats, go2rtc] = await Promise.all([startNatsServer(), startGo2rtc()]);
  nc = await connect({ servers: nats.url, name: 'detector-e2e-test' });
});

after(async () => {
  for (const service of services.reverse()) await service.child.stop({ termGraceMs: 5000 });
  await nc?.drain();
  await Promise.all([nats?.dispose(), go2rtc?.dispose()]);
  if (dir) await removeTempDir(dir);
});

test(
  'ingest + detector on person-walk: persons in every truth interval and nowhere else',
  { timeout: 240_000 },
  async (t) => {
    const truth = JSON.parse(readFileSync(assetPath('media/person-walk.truth.json'), 'utf8')) as Truth;
    const prefix = 'e2e';
    const subjects = createSubjects(prefix);
    const config = writeTestConfig(dir, {
      natsUrl: nats.url,
      prefix,
      cameras: [],
      extra: {
        go2rtc: {
          api_url: go2rtc.apiUrl,
          rtsp_url: `rtsp://127.0.0.1:${go2rtc.rtspPort}`,
          register_streams: false,
        },
        detect: { width: 640, height: 360, fps: 5 },
        cameras: { 'person-walk': { source: go2rtc.rtspUrl('person-walk') } },
      },
    });
    const received: { body: Detections; at: number }[] = [];
    let snapshots = 0;
    const subs = [
      nc.subscribe(subjects.detectionsAll, {
        callback: (error, msg) => {
          if (!error) received.push({ body: decodeJson(DetectionsSchema, msg.data), at: Date.now() });
        },
      }),
      nc.subscribe(subjects.snapshotsAll, {
        callback: (error, msg) => {
          if (!error && readSnapshotHeaders(msg.headers)?.labels.includes('person')) snapshots += 1;
        },
      }),
    ];
    // The detector first, so the frames stream exists before ingest publishes.
    const detector = await spawnService('detector', config, join(dir, 'detector.log'));
    services.push(detector);
    await waitForLog(detector, 'detector worker pulling frames');
    const ingest = await spawnService('ingest', config, join(dir, 'ingest.log'));
    services.push(ingest);
    t.after(() => {
      if (process.exitCode)
        console.log(`detector:\n${logTail(detector.logFile)}\ningest:\n${logTail(ingest.logFile)}`);
    });
    const started = Date.parse(String((await waitForLog(ingest, 'starting ffmpeg')).time));
    const clipTime = (captureTime: number) => (captureTime - started) / 1000;
    while (Date.now() < started + OBSERVE_UNTIL_CLIP_S * 1000) await sleep(1000);
    for (const sub of subs) sub.unsubscribe();

    const frames = received.map(({ body }) => ({
      t: clipTime(body.capture_time),
      person: body.detections
        .filter((d) => d.label === 'person')
        .reduce((best, d) => Math.max(best, d.score), 0),
    }));
    const persons = frames.filter((f) => f.person > 0);
    t.diagnostic(
      `${received.length} detections messages, ${persons.length} with a person, ${snapshots} snapshots`,
    );
    assert.ok(received.length > 0, `no detections at all:\n${logTail(detector.logFile)}`);

    for (const [start, end] of truth.person_intervals_s) {
      const inside = persons.filter((f) => f.t >= start - TOLERANCE_S && f.t <= end + TOLERANCE_S);
      assert.ok(inside.length > 0, `no person in [${start}, ${end}] s`);
      // Covered throughout: motion frames while the person moves, tracking refreshes while they stand.
      const times = [start + TOLERANCE_S, ...inside.map((f) => f.t), end - TOLERANCE_S].sort((x, y) => x - y);
      const clipped = times.filter((x) => x >= start + TOLERANCE_S - 0.001 && x <= end - TOLERANCE_S + 0.001);
      let gap = 0;
      for (let i = 1; i < clipped.length; i++) gap = Math.max(gap, clipped[i]! - clipped[i - 1]!);
      assert.ok(gap <= MAX_GAP_S, `[${start}, ${end}] s: ${gap.toFixed(1)} s without a person detection`);
      const scores = inside.map((f) => f.person).sort((x, y) => x - y);
      const median = scores[Math.floor(scores.length / 2)]!;
      assert.ok(median >= 0.6, `[${start}, ${end}] s: median person score ${median.toFixed(2)}`);
    }
    const outside = persons.filter(
      (f) =>
        f.t < OBSERVE_UNTIL_CLIP_S &&
        f.person >= 0.5 &&
        truth.person_intervals_s.every(
          ([start, end]) => f.t < start - TOLERANCE_S || f.t > end + TOLERANCE_S,
        ),
    );
    assert.deepEqual(
      outside.map((f) => `${f.t.toFixed(1)}s:${f.person.toFixed(2)}`),
      [],
      'no confident person outside the truth intervals',
    );
    assert.ok(snapshots > 0, 'person snapshots published');
  },
);
