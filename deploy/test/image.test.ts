import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { createSubjects } from '@shiriki/bus';
import { assetsDir, freePort, repoRoot, startNatsServer, waitFor, type NatsServer } from '@shiriki/testing';
import { pinnedVersions } from './versions.js';

const run = promisify(execFile);
const root = repoRoot();
const env = { ...process.env, CONTAINERS_CONF: join(root, 'deploy/podman/containers.conf') };
const canRoot = process.getuid?.() === 0;

let image: string;
let nats: NatsServer;
let nc: NatsConnection;
let dir: string;
const containers: string[] = [];

async function podman(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('podman', args, { env, maxBuffer: 16 * 1024 * 1024 });
}

before(async () => {
  if (!canRoot) return;
  // Builds the base (Debian packages + this machine's Node.js), the shiriki image and the server images when
  // they are missing; an unchanged checkout reuses them.
  const built = spawnSync('bash', [join(root, 'scripts/images.sh'), 'all'], {
    env,
    stdio: 'inherit',
    timeout: 1_500_000,
  });
  assert.equal(built.status, 0, 'scripts/images.sh all succeeded');
  image = (await run('bash', [join(root, 'scripts/images.sh'), 'print-tag'], { env })).stdout.trim();
  dir = mkdtempSync(join(tmpdir(), 'shiriki-image-'));
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url, name: 'image-test' });
});

after(async () => {
  for (const name of containers) await podman('rm', '--force', '--time', '0', name).catch(() => undefined);
  await nc?.drain();
  await nats?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const skip = canRoot ? false : 'podman here runs as root (rootless podman cannot use this kind of host)';

test(
  'the image runs `shiriki <service>` as a non-root user, lists every service',
  { skip, timeout: 1_800_000 },
  async () => {
    const help = (await podman('run', '--rm', image, '--help')).stdout;
    for (const service of ['ingest', 'detector', 'tracker', 'recorder', 'api']) {
      assert.match(help, new RegExp(`^\\s+${service}\\b`, 'm'), `--help lists ${service}`);
    }
    const { stdout: uid } = await podman('run', '--rm', '--entrypoint', 'id', image, '-u');
    assert.equal(uid.trim(), '10001');
    const inspect = JSON.parse((await podman('image', 'inspect', image)).stdout)[0];
    assert.ok(inspect.Healthcheck?.Test?.join(' ').includes('/healthz'), 'HEALTHCHECK probes /healthz');
    assert.equal(inspect.Config.User, 'shiriki');
  },
);

test(
  'a detector container joins NATS, passes its healthcheck, and drains on SIGTERM with exit 0',
  { skip, timeout: 600_000 },
  async () => {
    const metricsPort = await freePort();
    const config = join(dir, 'shiriki.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        assets_dir: '/assets',
        data_dir: '/var/lib/shiriki',
        nats: { servers: [nats.url], subject_prefix: 'img' },
        cameras: { porch: { source: 'rtsp://127.0.0.1:9/none' } },
      }),
    );
    const name = `shiriki-image-test-${process.pid}`;
    containers.push(name);
    const seen: string[] = [];
    const sub = nc.subscribe(`${createSubjects('img').serviceStatusAll}`, {
      callback: (_error, msg) => {
        seen.push(msg.subject);
      },
    });
    await podman(
      'run',
      '--detach',
      '--name',
      name,
      '--network',
      'host',
      '--env',
      `SHIRIKI_METRICS_PORT=${metricsPort}`,
      '--volume',
      `${config}:/etc/shiriki/shiriki.yaml:ro`,
      '--volume',
      `${assetsDir()}:/assets:ro`,
      image,
      'detector',
    );
    await waitFor(
      async () =>
        await run('podman', ['healthcheck', 'run', name], { env }).then(
          () => true,
          () => false,
        ),
      { what: 'the container healthcheck to pass', timeoutMs: 120_000, intervalMs: 1000 },
    );
    await waitFor(() => seen.some((subject) => subject.includes('.detector.')), {
      what: 'a detector heartbeat on NATS',
      timeoutMs: 30_000,
    });
    sub.unsubscribe();

    const stopStarted = Date.now();
    await podman('stop', '--time', '30', name);
    const stopMs = Date.now() - stopStarted;
    const state = JSON.parse((await podman('inspect', name)).stdout)[0].State;
    const logs = (await podman('logs', name)).stdout + (await podman('logs', name)).stderr;
    assert.equal(state.ExitCode, 0, `exit code 0 after SIGTERM (logs:\n${logs.slice(-2000)})`);
    assert.ok(stopMs < 30_000, `drained in ${stopMs} ms, inside the 30 s grace`);
    assert.match(logs, /shutting down/);
    assert.match(logs, /shutdown complete/);
  },
);

test('the server images run the pinned binaries', { skip, timeout: 120_000 }, async () => {
  const { NATS_SERVER_VERSION: natsVersion, GO2RTC_VERSION: go2rtcVersion } = pinnedVersions();
  const natsOut = await podman('run', '--rm', `localhost/shiriki-nats-server:${natsVersion}`, '--version');
  assert.match(natsOut.stdout, new RegExp(natsVersion!.replace(/^v/, '')));
  const go2rtcOut = await podman('run', '--rm', `localhost/shiriki-go2rtc:${go2rtcVersion}`, '-version');
  assert.match(go2rtcOut.stdout + go2rtcOut.stderr, new RegExp(go2rtcVersion!.replace(/^v/, '')));
});
