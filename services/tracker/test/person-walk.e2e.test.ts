import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { ObjectEventSchema, createSubjects, decodeJson, type ObjectEvent } from '@shiriki/bus';
import { parseConfig } from '@shiriki/config';
import { ObjectDetector, modelSpecFromConfig } from '@shiriki/detector';
import { createObjectStore } from '@shiriki/storage';
import {
  assetPath,
  assetsDir,
  decodeClipFrames,
  logTail,
  makeTempDir,
  removeTempDir,
  repoRoot,
  sleep,
  spawnService,
  startGo2rtc,
  startMinio,
  startNatsServer,
  waitForLog,
  type Go2rtcServer,
  type MinioServer,
  type NatsServer,
  type ServiceProcess,
} from '@shiriki/testing';
import { readEvents, testConfigObject, writeTestConfig } from './harness.js';

interface Truth {
  person_intervals_s: [number, number][];
}

/** Clip time starts when ingest starts ffmpeg; go2rtc starts the clip 0.1-0.5 s later (see the detector e2e). */
const START_TOLERANCE_S = 2.5;
const END_TOLERANCE_S = 2.5;
/** The last person leaves at 135 s; max_disappeared (5 s) plus the reorder delay (2 s) later it has ended. */
const OBSERVE_UNTIL_CLIP_S = 146;
const CAMERA = 'person-walk';

const detectorMissing = !existsSync(join(repoRoot(), 'services/detector/src/main.ts'));

let nats: NatsServer;
let go2rtc: Go2rtcServer;
let minio: MinioServer;
let nc: NatsConnection;
let dir: string;
const services: ServiceProcess[] = [];

before(async () => {
  if (detectorMissing) return;
  dir = makeTempDir('tracker-e2e');
  [nats, go2rtc, minio] = await Promise.all([startNatsServer(), startGo2rtc(), startMinio()]);
  nc = await connect({ servers: nats.url, name: 'tracker-e2e-test' });
});

after(async () => {
  for (const service of services.reverse()) await service.child.stop({ termGraceMs: 5000 });
  await nc?.drain();
  await Promise.all([nats?.dispose(), go2rtc?.dispose(), minio?.dispose()]);
  if (dir) await removeTempDir(dir);
});

test(
  'go2rtc + ingest + detector + tracker on person-walk: one event per appearance, snapshots show a person',
  {
    timeout: 300_000,
    skip: detectorMissing ? 'services/detector/src/main.ts does not exist yet' : false,
  },
  async (t) => {
    const truth = JSON.parse(readFileSync(assetPath('media/person-walk.truth.json'), 'utf8')) as Truth;
    const prefix = 'e2e';
    const subjects = createSubjects(prefix);
    const options = {
      natsUrl: nats.url,
      prefix,
      minio,
      cameras: { [CAMERA]: { source: go2rtc.rtspUrl(CAMERA) } },
      extra: {
        assets_dir: assetsDir(),
        go2rtc: {
          api_url: go2rtc.apiUrl,
          rtsp_url: `rtsp://127.0.0.1:${go2rtc.rtspPort}`,
          register_streams: false,
        },
        detect: { width: 640, height: 360, fps: 5 },
        detector: { intra_op_threads: 1 },
      },
    };
    const configPath = writeTestConfig(dir, options);
    const config = parseConfig(JSON.stringify(testConfigObject(options)));
    const live: ObjectEvent[] = [];
    const sub = nc.subscribe(subjects.eventsAll, {
      callback: (error, msg) => {
        if (!error) live.push(decodeJson(ObjectEventSchema, msg.data));
      },
    });
    const detector = await spawnService('detector', configPath, join(dir, 'detector.log'));
    services.push(detector);
    const tracker = await spawnService('tracker', configPath, join(dir, 'tracker.log'));
    services.push(tracker);
    await waitForLog(detector, 'detector worker pulling frames');
    await waitForLog(tracker, 'camera owned');
    const ingest = await spawnService('ingest', configPath, join(dir, 'ingest.log'));
    services.push(ingest);
    t.after(() => {
      if (process.exitCode)
        for (const s of [ingest, detector, tracker]) console.log(`${s.logFile}:\n${logTail(s.logFile)}`);
    });
    const started = Date.parse(String((await waitForLog(ingest, 'starting ffmpeg')).time));
    const clipTime = (ms: number) => (ms - started) / 1000;
    while (Date.now() < started + OBSERVE_UNTIL_CLIP_S * 1000) await sleep(1000);
    sub.unsubscribe();

    const stored = (await readEvents(jetstream(nc), subjects.streams.events)).map((s) => s.event);
    const persons = stored.filter((e) => e.label === 'person' && clipTime(e.start_time) < 137);
    const news = persons.filter((e) => e.type === 'new');
    const ends = new Map(persons.filter((e) => e.type === 'end').map((e) => [e.id, e]));
    t.diagnostic(
      news
        .map((e) => {
          const end = ends.get(e.id);
          return `${clipTime(e.start_time).toFixed(1)}-${end ? clipTime(end.end_time!).toFixed(1) : 'open'}`;
        })
        .join(' '),
    );
    // No duplicate events: one `new` per id, and one id per appearance.
    assert.equal(new Set(news.map((e) => e.id)).size, news.length, 'one new per id');
    assert.equal(news.length, truth.person_intervals_s.length, 'one person event per appearance');
    for (const [start, end] of truth.person_intervals_s) {
      const matching = news.filter((e) => Math.abs(clipTime(e.start_time) - start) <= START_TOLERANCE_S);
      assert.equal(matching.length, 1, `one event starting near ${start} s`);
      const ended = ends.get(matching[0]!.id);
      assert.ok(ended, `the event of [${start}, ${end}] s ended`);
      assert.ok(
        clipTime(ended.end_time!) >= end - END_TOLERANCE_S,
        `[${start}, ${end}] s ended at ${clipTime(ended.end_time!).toFixed(1)} s`,
      );
    }

    // Every end has a snapshot in MinIO in which the model sees a person.
    const store = createObjectStore(config.storage);
    const model = await ObjectDetector.load(modelSpecFromConfig(config));
    try {
      for (const end of ends.values()) {
        const key = end.snapshot?.key;
        assert.ok(key, `end of ${end.id} has a snapshot key`);
        const jpeg = await store.getBytes(key);
        const width = 640;
        const height = 360;
        const [yuv] = decodeClipFrames(jpeg, { width, height });
        const result = await model.detect(
          { width, height, pixelFormat: 'yuv420p', payload: yuv ?? new Uint8Array(0), motionBoxes: [] },
          { regionMode: 'full_frame' },
        );
        const person = result.detections.find((d) => d.label === 'person');
        assert.ok(person && person.score >= 0.5, `a person in the snapshot of ${end.id}`);
      }
    } finally {
      await model.close();
    }
    t.diagnostic(`${live.length} events seen live, ${stored.length} stored`);
  },
);
