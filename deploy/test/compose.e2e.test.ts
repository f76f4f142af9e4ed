import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { assetsDir, freePort, repoRoot, waitFor } from '@shiriki/testing';
import { pinnedVersions } from './versions.js';

const run = promisify(execFile);
const root = repoRoot();
const canRoot = process.getuid?.() === 0;
const project = `shikitest${process.pid}`;
let dir: string | undefined;
let composeEnv: NodeJS.ProcessEnv = {};

function compose(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const files = ['-f', join(root, 'deploy/compose.yaml'), '-f', join(dir!, 'compose.override.yaml')];
  return run('podman-compose', ['-p', project, ...files, ...args], {
    env: composeEnv,
    maxBuffer: 16 * 1024 * 1024,
  });
}

after(async () => {
  if (!dir) return;
  await compose('down', '--volumes').catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

test(
  'deploy/compose.yaml with podman-compose: a person walking past a camera becomes an event with a clip',
  { skip: canRoot ? false : 'podman here runs as root', timeout: 1_800_000 },
  async (t) => {
    const images = spawnSync('bash', [join(root, 'scripts/images.sh'), 'all'], {
      stdio: 'inherit',
      timeout: 1_500_000,
    });
    assert.equal(images.status, 0, 'scripts/images.sh all succeeded');
    if (spawnSync('podman-compose', ['version']).status !== 0) {
      spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'podman-compose'], {
        stdio: 'inherit',
      });
    }
    const versions = pinnedVersions();
    const image = (await run('bash', [join(root, 'scripts/images.sh'), 'print-tag'])).stdout.trim();
    dir = mkdtempSync(join(tmpdir(), 'shiriki-compose-'));
    const port = await freePort();
    // The test's camera plays a clip from the assets, so go2rtc needs them too (a real camera does not).
    writeFileSync(
      join(dir, 'compose.override.yaml'),
      JSON.stringify({
        services: { go2rtc: { volumes: ['go2rtc:/go2rtc', `${assetsDir()}:/assets:ro`] } },
      }),
    );
    writeFileSync(join(dir, '.env'), 'S3_ACCESS_KEY=shiriki\nS3_SECRET_KEY=compose-test-secret\n');
    // The camera is go2rtc playing a sample clip in a loop (the go2rtc image carries ffmpeg, as go2rtc's own does).
    writeFileSync(
      join(dir, 'shiriki.yaml'),
      JSON.stringify({
        assets_dir: '/assets',
        data_dir: '/var/lib/shiriki',
        nats: { servers: ['nats://nats:4222'] },
        go2rtc: { api_url: 'http://go2rtc:1984', rtsp_url: 'rtsp://go2rtc:8554', register_streams: false },
        storage: {
          type: 's3',
          s3: {
            endpoint: 'minio',
            port: 9000,
            access_key: '${S3_ACCESS_KEY}',
            secret_key: '${S3_SECRET_KEY}',
            bucket: 'shiriki',
          },
        },
        record: { pre_capture: 2, post_capture: 2 },
        cameras: {
          walk: {
            source:
              'exec:ffmpeg -hide_banner -loglevel error -re -stream_loop -1 -i /assets/media/person-walk.mp4 -c copy -rtsp_transport tcp -f rtsp {output}',
          },
        },
      }),
    );
    composeEnv = {
      ...process.env,
      CONTAINERS_CONF: join(root, 'deploy/podman/containers.conf'),
      SHIRIKI_IMAGE: image,
      NATS_IMAGE: `localhost/shiriki-nats-server:${versions.NATS_SERVER_VERSION}`,
      GO2RTC_IMAGE: `localhost/shiriki-go2rtc:${versions.GO2RTC_VERSION}`,
      MINIO_IMAGE: `localhost/shiriki-minio:${versions.MINIO_VERSION}`,
      SHIRIKI_ENV_FILE: join(dir, '.env'),
      SHIRIKI_CONFIG_FILE: join(dir, 'shiriki.yaml'),
      SHIRIKI_ASSETS: assetsDir(),
      SHIRIKI_API_BIND: `127.0.0.1:${port}`,
      // What `--env-file deploy/compose/.env` gives compose itself (MinIO's root credentials are interpolated).
      S3_ACCESS_KEY: 'shiriki',
      S3_SECRET_KEY: 'compose-test-secret',
    };
    await compose('up', '-d');
    let passed = false;
    t.after(async () => {
      if (!passed) console.log((await compose('logs').catch(() => ({ stdout: '' }))).stdout.slice(-8000));
    });
    const api = `http://127.0.0.1:${port}`;
    await waitFor(
      () =>
        fetch(`${api}/readyz`).then(
          (r) => r.ok,
          () => false,
        ),
      {
        what: 'the api to be ready',
        timeoutMs: 180_000,
        intervalMs: 1000,
      },
    );
    // The first admin's password is in the api's volume, as docs/deploy.md says.
    const password = (
      await run(
        'podman',
        ['exec', `${project}_api_1`, 'cat', '/var/lib/shiriki/api/initial-admin-password'],
        {
          env: composeEnv,
        },
      )
    ).stdout.trim();
    const login = await fetch(`${api}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    assert.equal(login.status, 200, 'the first admin logs in');
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

    const event = await waitFor(
      async () => {
        const answer = (await (
          await fetch(`${api}/api/events?camera=walk&label=person&has_clip=1&limit=5`, {
            headers: { cookie },
          })
        ).json()) as { events: { id: string }[] };
        return answer.events[0];
      },
      { what: 'a person event with a clip', timeoutMs: 240_000, intervalMs: 2000 },
    );
    const clip = await fetch(`${api}/api/events/${event.id}/clip.mp4`, { headers: { cookie } });
    assert.equal(clip.status, 200);
    const bytes = new Uint8Array(await clip.arrayBuffer());
    assert.ok(bytes.byteLength > 10_000, `a clip of ${bytes.byteLength} bytes`);
    assert.equal(Buffer.from(bytes.subarray(4, 8)).toString('latin1'), 'ftyp', 'an MP4 file');

    // go2rtc's API, which shows camera URLs, is not published on the host.
    const published = (
      await run('podman', ['port', `${project}_go2rtc_1`], { env: composeEnv })
    ).stdout.trim();
    assert.equal(published, '', 'go2rtc publishes no port');
    passed = true;
  },
);
