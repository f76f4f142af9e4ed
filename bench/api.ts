/**
 * API benchmark.
 *
 * 1. Event queries with `events` (default 1,000,000) indexed events, on SQLite and on PostgreSQL: p50/p99 of
 *    each query shape through HTTP (`GET /api/events`, with an API token) and, as the bare baseline measured
 *    in the same run, of the same query on the index object without HTTP.
 *    The rows are bulk-loaded with one INSERT ... SELECT (the indexer's own path is covered by the tests;
 *    loading a million rows through it would measure the loader, not the queries).
 * The api runs as its own process (the service, as deployed); the client and the baselines run here.
 * 2. Clip download: a 256 MiB clip in MinIO, read through `GET /api/events/{id}/clip.mp4` and, as the
 *    baseline, with a bare `minio` getObject, alternating, 5 rounds each. Goal: api >= 0.9 x bare.
 *
 * Needs PostgreSQL (SHIRIKI_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 * Run: node --conditions=shiriki-source --import tsx bench/api.ts [events=1000000]
 * Writes docs/benchmarks/api.md.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as Minio from 'minio';
import pg from 'pg';
import {
  EventIndex,
  PostgresDatabase,
  SqliteDatabase,
  type EventQuery,
  type SqlDatabase,
} from '@shiriki/api';
import { connectBus, createSubjects, defaultStreams, ensureStream } from '@shiriki/bus';
import { eventObjectKeys } from '@shiriki/storage';
import { createLogger } from '@shiriki/telemetry';
import {
  freePort,
  makeTempDir,
  removeTempDir,
  spawnService,
  startMinio,
  startNatsServer,
  waitForLog,
} from '@shiriki/testing';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const RUNS = 200;
const CLIP_BYTES = 256 * 1024 * 1024;
const ROUNDS = 5;
const T0 = Date.UTC(2026, 0, 1);
const STEP_MS = 500;
const PG_ADMIN = process.env.SHIRIKI_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const quiet = createLogger({
  service: 'bench',
  level: 'warn',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

/** One INSERT ... SELECT over a generated series: 8 cameras, 4 labels, a zone on every tenth, clips on every fourth. */
async function bulkLoad(db: SqlDatabase, n: number): Promise<void> {
  const series =
    db.dialect === 'postgres'
      ? `generate_series(0, ${n - 1}) AS s(i)`
      : `(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${n - 1}) SELECT i FROM s) AS s`;
  const id = db.dialect === 'postgres' ? `'ev' || lpad(i::text, 8, '0')` : `'ev' || printf('%08d', i)`;
  const cam = db.dialect === 'postgres' ? `'cam' || (i % 8)::text` : `'cam' || (i % 8)`;
  await db.transaction(async (tx) => {
    await tx.run(
      `INSERT INTO events (id, camera, label, score, top_score, box, zones, entered_zones, start_time, end_time,
         stationary, has_snapshot, has_clip, clip_key, clip_start, clip_end, clip_duration_s, event_seq, updated_at)
       SELECT ${id}, ${cam},
         CASE i % 4 WHEN 0 THEN 'person' WHEN 1 THEN 'car' WHEN 2 THEN 'dog' ELSE 'bicycle' END,
         0.8, 0.9, '[10,20,110,220]',
         CASE WHEN i % 10 = 0 THEN '["drive"]' ELSE '[]' END, CASE WHEN i % 10 = 0 THEN '["drive"]' ELSE '[]' END,
         ${T0} + i * ${STEP_MS}, ${T0} + i * ${STEP_MS} + 8000, 0, 1,
         CASE WHEN i % 4 = 0 THEN 1 ELSE 0 END, CASE WHEN i % 4 = 0 THEN 'k' ELSE NULL END,
         ${T0} + i * ${STEP_MS}, ${T0} + i * ${STEP_MS} + 8000, 8, i + 1, 0
       FROM ${series}`,
    );
    await tx.run(
      `INSERT INTO event_zones (event_id, zone) SELECT id, 'drive' FROM events WHERE entered_zones = '["drive"]'`,
    );
  });
  await db.run(db.dialect === 'postgres' ? 'ANALYZE' : 'ANALYZE');
}

interface Shape {
  name: string;
  query: string;
  direct: EventQuery;
}

function shapes(deepCursor: string): Shape[] {
  const mid = T0 + Math.floor(EVENTS / 2) * STEP_MS;
  return [
    { name: 'newest 50', query: 'limit=50', direct: { limit: 50 } },
    { name: 'one camera', query: 'camera=cam3&limit=50', direct: { cameras: ['cam3'], limit: 50 } },
    {
      name: 'camera + label',
      query: 'camera=cam3&label=car&limit=50',
      direct: { cameras: ['cam3'], labels: ['car'], limit: 50 },
    },
    {
      name: 'camera + label, no match',
      query: 'camera=cam3&label=person&limit=50',
      direct: { cameras: ['cam3'], labels: ['person'], limit: 50 },
    },
    { name: 'zone', query: 'zone=drive&limit=50', direct: { zones: ['drive'], limit: 50 } },
    {
      name: 'one hour, mid-history',
      query: `after=${mid / 1000}&before=${(mid + 3_600_000) / 1000}&limit=100`,
      direct: { after: mid, before: mid + 3_600_000, limit: 100 },
    },
    { name: 'with clip', query: 'has_clip=1&limit=50', direct: { has_clip: true, limit: 50 } },
    {
      name: 'page 101 (cursor)',
      query: `limit=50&cursor=${deepCursor}`,
      direct: { limit: 50, cursor: deepCursor },
    },
  ];
}

async function timeAll(fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 10; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

async function main(): Promise<void> {
  const dir = makeTempDir('bench-api');
  const [nats, minio] = await Promise.all([startNatsServer(), startMinio()]);
  const bus = await connectBus({ servers: [nats.url] }, { logger: quiet, name: 'bench' });
  const subjects = createSubjects();
  for (const spec of Object.values(defaultStreams(subjects))) await ensureStream(bus.jsm, spec);
  const rows: string[] = [];
  const downloads: string[] = [];
  let pgName: string | undefined;
  try {
    for (const backend of ['sqlite', 'postgres'] as const) {
      let indexYaml: string;
      let db: SqlDatabase;
      if (backend === 'sqlite') {
        const path = join(dir, 'index.db');
        db = new SqliteDatabase(path);
        indexYaml = `{ type: sqlite, sqlite_path: '${path}' }`;
      } else {
        pgName = `shiriki_bench_${randomBytes(4).toString('hex')}`;
        const admin = new pg.Client({ connectionString: PG_ADMIN });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${pgName}`);
        await admin.end();
        const url = new URL(PG_ADMIN);
        url.pathname = `/${pgName}`;
        db = new PostgresDatabase({ url: url.toString() });
        indexYaml = `{ type: postgres, postgres_url: '${url.toString()}' }`;
      }
      const index = await EventIndex.open(db);
      const loadStart = performance.now();
      await bulkLoad(db, EVENTS);
      const loadS = (performance.now() - loadStart) / 1000;
      console.log(`${backend}: ${EVENTS} events loaded in ${loadS.toFixed(1)} s`);

      // A clip for the download half (on the first backend only).
      const clipEvent = { id: 'bench-clip', camera: 'cam0', start: T0 + EVENTS * STEP_MS };
      const keys = eventObjectKeys(clipEvent.camera, clipEvent.start, clipEvent.id);
      const configYaml = [
        `data_dir: ${join(dir, backend)}`,
        `nats: { servers: ['${nats.url}'] }`,
        'cameras: { cam0: { source: rtsp://127.0.0.1/x } }',
        `storage: { type: s3, s3: { endpoint: 127.0.0.1, port: ${minio.port}, access_key: ${minio.accessKey}, secret_key: ${minio.secretKey}, bucket: bench } }`,
      ].join('\n');
      // The api runs as its own process, as deployed, so the client's work here does not slow it down.
      const configPath = join(dir, `${backend}.yaml`);
      const port = await freePort();
      writeFileSync(
        configPath,
        `${configYaml}\napi: { host: 127.0.0.1, port: ${port}, index: ${indexYaml} }\n`,
      );
      const service = await spawnService('api', configPath, join(dir, `${backend}.log`));
      await waitForLog(service, 'api listening');
      const password = /with password (\S+)/.exec(readFileSync(service.logFile, 'utf8'))?.[1] ?? '';
      const server = { url: `http://127.0.0.1:${port}`, stop: () => service.child.stop() };
      try {
        const login = await fetch(`${server.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password }),
        });
        const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
        const created = await fetch(`${server.url}/api/tokens`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'bench' }),
        });
        const { token } = (await created.json()) as { token: string };
        const headers = { authorization: `Bearer ${token}` };
        let cursor: string | undefined;
        for (let page = 0; page < 100; page++)
          cursor = (await index.query({ limit: 50, cursor })).next_cursor ?? undefined;
        for (const shape of shapes(cursor!)) {
          const http = await timeAll(async () => {
            const r = await fetch(`${server.url}/api/events?${shape.query}`, { headers });
            if (r.status !== 200) throw new Error(`${shape.name}: ${r.status} ${await r.text()}`);
            await r.arrayBuffer();
          });
          const direct = await timeAll(async () => void (await index.query(shape.direct)));
          const line = `| ${backend} | ${shape.name} | ${percentile(direct, 50).toFixed(2)} | ${percentile(direct, 99).toFixed(2)} | ${percentile(http, 50).toFixed(2)} | ${percentile(http, 99).toFixed(2)} |`;
          console.log(line);
          rows.push(line);
        }

        if (backend === 'sqlite') {
          const client = new Minio.Client({
            endPoint: '127.0.0.1',
            port: minio.port,
            useSSL: false,
            accessKey: minio.accessKey,
            secretKey: minio.secretKey,
          });
          await client.putObject('bench', keys.clip, randomBytes(CLIP_BYTES), CLIP_BYTES, {
            'Content-Type': 'video/mp4',
          });
          await index.db.run(
            `INSERT INTO events (id, camera, label, start_time, has_clip, clip_key, clip_start, clip_end, clip_duration_s, event_seq, updated_at)
             VALUES (?, ?, 'person', ?, 1, ?, ?, ?, 60, 1, 0)`,
            [
              clipEvent.id,
              clipEvent.camera,
              clipEvent.start,
              keys.clip,
              clipEvent.start,
              clipEvent.start + 60_000,
            ],
          );
          const drain = async (stream: AsyncIterable<Uint8Array>) => {
            let n = 0;
            for await (const chunk of stream) n += chunk.byteLength;
            if (n !== CLIP_BYTES) throw new Error(`read ${n} bytes`);
          };
          // Node's own HTTP client for every path, as the minio client uses it: only the route differs.
          const get = (url: string, auth: boolean): Promise<http.IncomingMessage> =>
            new Promise((resolve, reject) =>
              http.get(url, { headers: auth ? headers : {} }, resolve).once('error', reject),
            );
          // The presigned URL carries its own signature; an Authorization header next to it is refused.
          const getFollowing = async (url: string) => {
            const first = await get(url, true);
            if (first.statusCode !== 302) return first;
            first.resume();
            return get(first.headers.location!, false);
          };
          // A second api process answers clips with 302 to a presigned URL (`api.clip_redirect`).
          const redirectPort = await freePort();
          const redirectConfig = join(dir, 'redirect.yaml');
          writeFileSync(
            redirectConfig,
            `${configYaml}\napi: { host: 127.0.0.1, port: ${redirectPort}, clip_redirect: true, auth: { enabled: false }, index: ${indexYaml} }\n`,
          );
          const redirecting = await spawnService('api', redirectConfig, join(dir, 'redirect.log'));
          await waitForLog(redirecting, 'api listening');
          const clipPath = `/api/events/${clipEvent.id}/clip.mp4`;
          const modes = {
            bare: async () => drain(await client.getObject('bench', keys.clip)),
            streamed: async () => drain(await getFollowing(`${server.url}${clipPath}`)),
            redirect: async () => drain(await getFollowing(`http://127.0.0.1:${redirectPort}${clipPath}`)),
          };
          const speeds: Record<keyof typeof modes, number[]> = { bare: [], streamed: [], redirect: [] };
          try {
            for (let round = 0; round < ROUNDS + 1; round++) {
              for (const [mode, run] of Object.entries(modes) as Array<
                [keyof typeof modes, () => Promise<void>]
              >) {
                const start = performance.now();
                await run();
                // Round 0 warms up.
                if (round > 0) speeds[mode].push(CLIP_BYTES / 1048576 / ((performance.now() - start) / 1000));
              }
            }
          } finally {
            await redirecting.child.stop();
          }
          const bareSpeed = percentile(speeds.bare, 50);
          for (const mode of ['streamed', 'redirect'] as const) {
            const speed = percentile(speeds[mode], 50);
            downloads.push(
              `| ${mode === 'streamed' ? 'streamed through the api' : '302 to a presigned URL (`clip_redirect`)'} | ${bareSpeed.toFixed(0)} | ${speed.toFixed(0)} | ${(speed / bareSpeed).toFixed(2)} |`,
            );
            console.log(downloads.at(-1));
          }
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    await bus.drain();
    await Promise.all([nats.dispose(), minio.dispose()]);
    if (pgName) {
      const admin = new pg.Client({ connectionString: PG_ADMIN });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
      await admin.end();
    }
    await removeTempDir(dir);
  }

  const doc = `# API benchmark

Run \`node --conditions=shiriki-source --import tsx bench/api.ts ${EVENTS}\` on ${new Date().toISOString().slice(0, 10)},
${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}. Every figure below is from that one run.

## Event queries, ${EVENTS.toLocaleString('en')} indexed events

${RUNS} runs per shape after 10 warm-up runs, milliseconds. *index* is the bare baseline: the same query on the
\`EventIndex\` object in the same process; *HTTP* is \`GET /api/events\` with an API token (auth lookup, validation,
serialisation, loopback TCP). 8 cameras, 4 labels, a zone on every tenth event, a clip on every fourth.

| backend | query | index p50 | index p99 | HTTP p50 | HTTP p99 |
|---|---|---|---|---|---|
${rows.join('\n')}

## Clip download

Median of ${ROUNDS} rounds (after one warm-up), MiB/s, the api and a bare \`minio\` client \`getObject\` alternating on the
same object in the same MinIO, every path read with Node's own HTTP client. Goal: ratio >= 0.9.

With \`api.clip_redirect\` the api answers 302 to a presigned URL and the bytes come straight from S3: that path
meets the goal. Streamed through the api, each byte crosses one more process (MinIO -> api -> client) on a
2-core machine shared by all three, and the api's read costs about what the client's does: well below the goal.
Deployments that serve large clips to many viewers should turn \`clip_redirect\` on (S3 storage only).

| path (256 MiB clip) | bare getObject MiB/s | through the api MiB/s | ratio |
|---|---|---|---|
${downloads.join('\n')}
`;
  const out = join(fileURLToPath(new URL('..', import.meta.url)), 'docs', 'benchmarks', 'api.md');
  writeFileSync(out, doc);
  console.log(`wrote ${out}`);
}

await main();
