import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, formatConfigError, type ConfigIssue } from './errors.js';
import { loadConfig, parseConfig, resolveConfigPath } from './load.js';

const MINIMAL = `storage:
  type: local
cameras:
  front:
    source: rtsp://cam/1
`;

function parse(text: string, env: NodeJS.ProcessEnv = {}) {
  return parseConfig(text, { env, source: 'test.yaml', baseDir: '/srv/shiriki' });
}

/** Parses `text`, expects a ConfigError and returns the issue at `path`. */
function issueAt(text: string, path: string, env: NodeJS.ProcessEnv = {}): ConfigIssue {
  try {
    parse(text, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.name, 'ConfigError');
    assert.equal(error.source, 'test.yaml');
    const issue = error.issues.find((i) => i.path === path);
    assert.ok(issue, `no issue at ${path}; got:\n${error.message}`);
    const listed = path === '' ? issue.message : `${path}: ${issue.message}`;
    assert.ok(
      error.message.split('\n').some((line) => line.startsWith(listed)),
      'one line per issue: path: message',
    );
    return issue;
  }
  assert.fail('expected the config to be rejected');
}

test('a minimal config gets every default from the schema', () => {
  const config = parse(MINIMAL);
  assert.deepEqual(config.nats.servers, ['nats://127.0.0.1:4222']);
  assert.equal(config.nats.subject_prefix, 'shiriki');
  assert.equal(config.go2rtc.api_url, 'http://127.0.0.1:1984');
  assert.equal(config.model.type, 'yolox');
  assert.equal(config.detector.region_mode, 'motion_regions');
  assert.equal(config.telemetry.metrics_port, 9464);
  assert.equal(config.ingest.restart_backoff.max_ms, 10000);
  const front = config.cameras['front'];
  assert.ok(front);
  assert.equal(front.name, 'front');
  assert.deepEqual(front.source, ['rtsp://cam/1']);
  assert.deepEqual(
    [front.detect.width, front.detect.height, front.detect.fps, front.motion.threshold],
    [640, 360, 5, 30],
  );
  assert.deepEqual(front.objects.track, ['person']);
  assert.deepEqual(front.objects.filters['person'], {
    min_score: 0.5,
    threshold: 0.7,
    min_area: 0,
    max_area: 1,
    min_ratio: 0,
    max_ratio: 24,
    mask: [],
  });
  assert.equal(front.record.ring.max_bytes, 512 * 2 ** 20);
  assert.equal(front.record.spool.max_bytes, 2 * 2 ** 30);
});

test('relative paths become absolute: files against baseDir, models against assets_dir', () => {
  const config = parse(MINIMAL);
  assert.equal(config.assets_dir, '/srv/shiriki/assets');
  assert.equal(config.model.path, '/srv/shiriki/assets/models/yolox_nano.onnx');
  assert.equal(config.model.labels_path, '/srv/shiriki/assets/models/coco-labels.txt');
  assert.equal(config.cameras['front']?.record.spool.dir, '/srv/shiriki/var/spool');
  assert.equal(config.storage.local.path, '/srv/shiriki/var/store');
  assert.equal(parse(MINIMAL, { SHIRIKI_ASSETS_DIR: '/opt/assets' }).assets_dir, '/opt/assets');
  const fromFile = parse(`assets_dir: /data/a\nmodel: { path: /models/m.onnx }\n${MINIMAL}`);
  assert.equal(fromFile.assets_dir, '/data/a');
  assert.equal(fromFile.model.path, '/models/m.onnx');
  const tls = parse(
    `nats: { tls: { ca_file: tls/ca.pem, cert_file: tls/c.pem, key_file: tls/c.key, server_cert_file: tls/s.pem, server_key_file: tls/s.key } }\n${MINIMAL}`,
  ).nats.tls;
  assert.deepEqual(tls, {
    ca_file: '/srv/shiriki/tls/ca.pem',
    cert_file: '/srv/shiriki/tls/c.pem',
    key_file: '/srv/shiriki/tls/c.key',
    server_cert_file: '/srv/shiriki/tls/s.pem',
    server_key_file: '/srv/shiriki/tls/s.key',
  });
});

test('cameras inherit global sections and override single options, maps merging key by key', () => {
  const config = parse(`
storage: { type: local }
detect: { fps: 10, width: 800 }
objects:
  track: [person, car]
  filters:
    person: { min_score: 0.6 }
record:
  pre_capture: 8
  labels:
    car: { post_capture: 2 }
cameras:
  a:
    source: rtsp://a
    detect: { width: 1280, height: 720 }
    objects:
      filters:
        person: { threshold: 0.9 }
    record: { post_capture: 12 }
  b:
    source: [rtsp://b/main, rtsp://b/sub]
    objects: { track: [dog] }
`);
  const a = config.cameras['a'];
  const b = config.cameras['b'];
  assert.ok(a && b);
  assert.deepEqual([a.detect.width, a.detect.height, a.detect.fps], [1280, 720, 10]);
  assert.deepEqual([b.detect.width, b.detect.height, b.detect.fps], [800, 360, 10]);
  assert.equal(a.objects.filters['person']?.min_score, 0.6, 'from the global filter');
  assert.equal(a.objects.filters['person']?.threshold, 0.9, 'from the camera filter');
  assert.equal(a.objects.filters['car']?.min_score, 0.5, 'every tracked label gets a filter');
  assert.deepEqual(b.objects.track, ['dog'], 'lists replace, they do not append');
  assert.ok(b.objects.filters['dog']);
  assert.deepEqual(b.source, ['rtsp://b/main', 'rtsp://b/sub']);
  assert.deepEqual([a.record.pre_capture, a.record.post_capture], [8, 12]);
  assert.deepEqual(a.record.labels['car'], { pre_capture: 8, post_capture: 2 });
  assert.equal(config.record.post_capture, 5, 'the global section keeps its own values');
});

test('${VAR} secrets are substituted before validation', () => {
  const config = parse(MINIMAL.replace('rtsp://cam/1', 'rtsp://admin:${CAM_PW}@cam/1'), { CAM_PW: 's3cr3t' });
  assert.deepEqual(config.cameras['front']?.source, ['rtsp://admin:s3cr3t@cam/1']);
});

test('an unset variable names the option, the variable and the line', () => {
  const issue = issueAt(
    MINIMAL.replace('rtsp://cam/1', 'rtsp://admin:${CAM_PW}@cam/1'),
    'cameras.front.source',
  );
  assert.match(issue.message, /CAM_PW is not set/);
  assert.equal(issue.line, 5);
});

test('a wrong type names the path and line', () => {
  const issue = issueAt(`${MINIMAL}detect:\n  fps: fast\n`, 'detect.fps');
  assert.equal(issue.message, 'expected a number, got a text');
  assert.equal(issue.line, 7);
});

test('unknown keys are errors at the key, globally and inside cameras', () => {
  const text = `${MINIMAL}    detect:\n      widht: 640\nrecrd: {}\n`;
  assert.equal(issueAt(text, 'cameras.front.detect.widht').line, 7);
  assert.equal(issueAt(text, 'recrd').message, 'unknown option "recrd"; did you mean "record"?');
  assert.equal(
    issueAt(text, 'cameras.front.detect.widht').message,
    'unknown option "widht"; did you mean "width"?',
  );
  // No suggestion when nothing is close.
  assert.equal(issueAt(`${MINIMAL}frobnicate: 1\n`, 'frobnicate').message, 'unknown option "frobnicate"');
});

test('a camera without source is rejected', () => {
  const issue = issueAt(
    'storage: { type: local }\ncameras:\n  front:\n    enabled: true\n',
    'cameras.front.source',
  );
  assert.match(issue.message, /required/);
  assert.equal(issue.line, 3, 'the camera line, since source is missing');
});

test('a bad camera name says why names are restricted', () => {
  const issue = issueAt(
    'storage: { type: local }\ncameras:\n  front.door:\n    source: x\n',
    'cameras.front.door',
  );
  assert.match(issue.message, /NATS subject token/);
  assert.equal(issue.line, 3);
});

test('no cameras at all is an error', () => {
  assert.match(issueAt('storage: { type: local }\ncameras: {}\n', 'cameras').message, /at least one camera/);
  assert.match(issueAt('storage: { type: local }\n', 'cameras').message, /required/);
});

test('bad zone polygons: too few points, out of range, self-intersecting', () => {
  const zones = (coordinates: string) =>
    `${MINIMAL}    zones:\n      porch:\n        coordinates: ${coordinates}\n`;
  const path = 'cameras.front.zones.porch.coordinates';
  const few = issueAt(zones('[[0, 0], [1, 1]]'), path);
  assert.equal(few.message, 'a polygon needs at least 3 points, got 2');
  assert.equal(few.line, 8);
  assert.match(issueAt(zones('[[0, 0], [1.5, 0], [1, 1]]'), `${path}[1][0]`).message, /normalised: 0\.\.1/);
  assert.match(issueAt(zones('[[0, 0], [1, 1], [1, 0], [0, 1]]'), path).message, /crosses itself/);
  assert.match(issueAt(zones('[[0, 0], [1, 0]]'), path).message, /at least 3 points/);
});

test('cross-references: zone objects must be tracked, alert zones must exist', () => {
  const text = `${MINIMAL}    zones:\n      porch:\n        coordinates: [[0, 0], [1, 0], [1, 1]]\n        objects: [car]\nalerts:\n  zones: [garden]\n`;
  assert.match(issueAt(text, 'cameras.front.zones.porch.objects[0]').message, /"car" is not tracked/);
  assert.equal(issueAt(text, 'alerts.zones[0]').line, 11);
});

test('a camera override that breaks a cross-field check is reported at the camera', () => {
  const text = `${MINIMAL.replace('cameras:', 'objects:\n  filters:\n    person: { min_area: 0.2 }\ncameras:')}    objects:\n      filters:\n        person: { max_area: 0.1 }\n`;
  const issue = issueAt(text, 'cameras.front.objects.filters.person.min_area');
  assert.match(issue.message, /larger than max_area/);
});

test('odd detect sizes and s3 without credentials are rejected', () => {
  assert.match(issueAt(`${MINIMAL}detect: { width: 641 }\n`, 'detect.width').message, /even/);
  const s3 = issueAt(MINIMAL.replace('type: local', 'type: s3'), 'storage.s3.secret_key');
  assert.match(s3.message, /required when storage.type is s3/);
});

test('YAML syntax errors carry a line and never echo the source line', () => {
  try {
    parse('cameras:\n  front:\n    source: rtsp://u:hunter2@cam\n   bad: [\n');
    assert.fail('expected a syntax error');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.ok(error.issues.length > 0);
    assert.match(error.issues[0]?.message ?? '', /^YAML syntax error/);
    assert.equal(typeof error.issues[0]?.line, 'number');
    assert.ok(!error.message.includes('hunter2'));
  }
  assert.match(issueAt('cameras: {}\ncameras: {}\n', '').message, /unique/);
});

test('every issue is reported at once and formatConfigError prints file:line: path: message', () => {
  const text = `${MINIMAL}detect: { fps: 0 }\nmotion: { threshold: 300 }\n`;
  try {
    parse(text);
    assert.fail('expected errors');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ['detect.fps', 'motion.threshold'],
    );
    const lines = formatConfigError(error).split('\n');
    assert.match(lines[0] ?? '', /^test\.yaml:6: detect\.fps: /);
    assert.match(lines[1] ?? '', /^test\.yaml:7: motion\.threshold: /);
    assert.equal(lines[2], 'configuration is invalid (2 problems)');
  }
  assert.equal(formatConfigError(new TypeError('x')), 'TypeError: x');
});

test('loadConfig resolves paths against the file and reports a missing file as a ConfigError', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shiriki-config-'));
  try {
    const file = join(dir, 'shiriki.yaml');
    await writeFile(file, MINIMAL);
    const config = await loadConfig(file, { env: {} });
    assert.equal(config.record.ring_dir, join(dir, 'var/ring'));
    await assert.rejects(loadConfig(join(dir, 'missing.yaml')), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /file not found/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('resolveConfigPath: --config, then SHIRIKI_CONFIG, then ./shiriki.yaml', () => {
  const env = { SHIRIKI_CONFIG: '/etc/shiriki/env.yaml' };
  assert.equal(resolveConfigPath(['--config', '/a.yaml'], env), '/a.yaml');
  assert.equal(resolveConfigPath(['--config=/b.yaml'], env), '/b.yaml');
  assert.equal(resolveConfigPath(['-v', '-c', '/c.yaml'], env), '/c.yaml');
  assert.equal(resolveConfigPath([], env), '/etc/shiriki/env.yaml');
  assert.equal(resolveConfigPath([], {}), join(process.cwd(), 'shiriki.yaml'));
  assert.throws(() => resolveConfigPath(['--config'], {}), ConfigError);
});

test('YAML anchors and merge keys can share settings between cameras', () => {
  const config = parse(`
storage: { type: local }
x-camera: &camera
  detect: { width: 1280, height: 720 }
  record: { pre_capture: 9 }
cameras:
  a:
    <<: *camera
    source: rtsp://a
  b:
    <<: *camera
    source: rtsp://b
`);
  assert.deepEqual(
    Object.values(config.cameras).map((c) => [c.detect.width, c.record.pre_capture]),
    [
      [1280, 9],
      [1280, 9],
    ],
  );
});

test('continuous chunks that cannot fit in the ring are rejected at their path', () => {
  const issue = issueAt(
    `${MINIMAL}record:\n  continuous: true\n  continuous_chunk_seconds: 120\n  ring: { max_seconds: 60 }\n`,
    'record.continuous_chunk_seconds',
  );
  assert.match(issue.message, /must fit in the ring's max_seconds 60/);
  const config = parse(`${MINIMAL}record:\n  continuous: true\n  continuous_chunk_seconds: 30\n`);
  assert.equal(config.cameras['front']?.record.continuous_chunk_seconds, 30);
});

test('retention and spool set on a camera are rejected: they belong to the global record section', () => {
  const text = `${MINIMAL}    record:\n      spool: { max_bytes: 1GiB }\n      retention: { clips_days: 3 }\n`;
  assert.match(issueAt(text, 'cameras.front.record.spool').message, /global record section/);
  assert.match(issueAt(text, 'cameras.front.record.retention').message, /global record section/);
});

test('a heartbeat longer than a third of the lease TTL is rejected', () => {
  const issue = issueAt(`${MINIMAL}ingest: { lease_ttl_s: 10, heartbeat_s: 4 }\n`, 'ingest.heartbeat_s');
  assert.match(issue.message, /at most a third of lease_ttl_s/);
  // Each worker role has its own lease timing, checked the same way.
  for (const role of ['tracker', 'recorder']) {
    const roleIssue = issueAt(
      `${MINIMAL}${role}: { lease_ttl_s: 6, heartbeat_s: 3 }\n`,
      `${role}.heartbeat_s`,
    );
    assert.match(roleIssue.message, /at most a third of lease_ttl_s/);
  }
  const config = parse(`${MINIMAL}tracker: { lease_ttl_s: 30, heartbeat_s: 5 }\n`);
  assert.deepEqual(
    [config.tracker.lease_ttl_s, config.recorder.lease_ttl_s, config.ingest.lease_ttl_s],
    [30, 10, 10],
  );
});

test('a config with only cameras is complete: local store, ring and spool inside data_dir', () => {
  const config = parse('cameras:\n  front_door:\n    source: rtsp://admin:${PW}@192.168.1.10:554/stream1\n', {
    PW: 'x',
  });
  assert.equal(config.storage.type, 'local');
  assert.equal(config.data_dir, '/srv/shiriki/var');
  assert.equal(config.storage.local.path, '/srv/shiriki/var/store');
  assert.equal(config.cameras['front_door']?.record.ring_dir, '/srv/shiriki/var/ring');
  const moved = parse('data_dir: /data/shiriki\ncameras:\n  front: { source: rtsp://cam/1 }\n');
  assert.equal(moved.storage.local.path, '/data/shiriki/store');
  assert.equal(moved.record.spool.dir, '/data/shiriki/spool');
});

test('an overlay is merged over the file before validation; the file keeps its own values elsewhere', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shiriki-overlay-'));
  try {
    const file = join(dir, 'shiriki.yaml');
    await writeFile(file, `${MINIMAL}nats: { subject_prefix: home }\n`);
    const overlay = join(dir, 'overlay.yaml');
    await writeFile(overlay, 'nats: { servers: [nats://127.0.0.1:14222] }\ndata_dir: /tmp/up-data\n');
    const config = await loadConfig(file, { env: {}, overlayPath: overlay });
    assert.deepEqual(config.nats.servers, ['nats://127.0.0.1:14222']);
    assert.equal(config.nats.subject_prefix, 'home');
    assert.equal(config.data_dir, '/tmp/up-data');
    const fromEnv = await loadConfig(file, { env: { SHIRIKI_CONFIG_OVERLAY: overlay } });
    assert.deepEqual(fromEnv.nats.servers, ['nats://127.0.0.1:14222']);
    await writeFile(overlay, 'nats: { servers: [not-a-url] }\n');
    await assert.rejects(loadConfig(file, { env: {}, overlayPath: overlay }), /nats\.servers/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
