import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assetPath, assetsDir, repoRoot } from '@shiriki/testing';

const run = promisify(execFile);
const cli = join(repoRoot(), 'packages', 'cli', 'src', 'main.ts');

async function check(yaml: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'shiriki-cli-'));
  try {
    const path = join(dir, 'shiriki.yaml');
    await writeFile(path, yaml);
    const result = await run(
      process.execPath,
      ['--conditions=shiriki-source', '--import', 'tsx', cli, '--config', path, 'config', 'check'],
      // The model loads from the assets directory, as it would for a user who set SHIRIKI_ASSETS_DIR.
      { env: { ...process.env, SHIRIKI_ASSETS_DIR: assetsDir(), ...env } },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        out: error.stdout + error.stderr,
      }),
    );
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('config check exits 2 and names the path and line of every problem', async () => {
  const { code, out } = await check(
    [
      'cameras:',
      '  front:',
      '    detect: { fps: "fast" }',
      '    zones:',
      '      porch: { coordinates: [[0, 0], [1, 1]] }',
      'storage: { type: local }',
      'nats: { servers: [nats://127.0.0.1:4222], bogus: 1 }',
    ].join('\n'),
  );
  assert.equal(code, 2);
  assert.match(out, /cameras\.front\.source/);
  assert.match(out, /cameras\.front\.detect\.fps/);
  assert.match(out, /cameras\.front\.zones\.porch\.coordinates/);
  assert.match(out, /nats\.bogus/);
  assert.match(out, /shiriki\.yaml:\d+:/);
});

test('config check accepts a valid file and a password from the environment without printing it', async () => {
  const { code, out } = await check(
    'cameras:\n  front:\n    source: rtsp://admin:${CAM_PW}@10.0.0.5/live\nstorage: { type: local }\n',
    { CAM_PW: 'hunter2-secret' },
  );
  assert.equal(code, 0, out);
  assert.match(out, /valid \(1 cameras, 1 enabled; model .*yolox_nano\.onnx loads\)/);
  assert.doesNotMatch(out, /hunter2-secret/);
});

test("the README's config with only cameras is valid as it stands", async () => {
  const { code, out } = await check(
    'cameras:\n  front_door:\n    source: rtsp://admin:${FRONT_DOOR_PASSWORD}@192.168.1.10:554/stream1\n',
    { FRONT_DOOR_PASSWORD: 'pw' },
  );
  assert.equal(code, 0, out);
});

test('every problem in one run: a missing variable hides nothing, messages are worded for people', async () => {
  const { code, out } = await check(
    [
      'cameras:',
      '  front:',
      '    source: rtsp://admin:${NOT_SET_ANYWHERE}@cam/1',
      '    detect: { fps: 0, widht: 640 }',
      'detector: { concurency: 2 }',
      'storage: { type: nfs }',
      'record: { pre_capture: soon }',
    ].join('\n'),
  );
  assert.equal(code, 2);
  assert.match(out, /:3: cameras\.front\.source: environment variable NOT_SET_ANYWHERE is not set/);
  assert.match(out, /:4: cameras\.front\.detect\.fps: must be greater than 0/);
  assert.match(out, /:4: cameras\.front\.detect\.widht: unknown option "widht"; did you mean "width"\?/);
  assert.match(out, /:5: detector\.concurency: unknown option "concurency"; did you mean "concurrency"\?/);
  assert.match(out, /:6: storage\.type: must be one of: s3, local/);
  assert.match(out, /:7: record\.pre_capture: expected a number, got a text/);
  assert.match(out, /configuration is invalid \(6 problems\)/);
  assert.doesNotMatch(out, /Too small|Invalid input|expected number/);
});

test('a YAML syntax error names the line of the unclosed bracket', async () => {
  const { code, out } = await check(
    'cameras:\n  front:\n    source: rtsp://cam/1\n    detect: { fps: 5\n  back:\n    source: rtsp://cam/2\n',
  );
  assert.equal(code, 2);
  assert.match(out, /shiriki\.yaml:4: YAML syntax error/);
});

test('a model or labels file that is missing or does not load is a config problem', async () => {
  const missing = await check(
    'cameras:\n  front: { source: rtsp://cam/1 }\nmodel: { path: /nowhere/model.onnx }\n',
  );
  assert.equal(missing.code, 2);
  assert.match(
    missing.out,
    /model\.path: Cannot load model \/nowhere\/model\.onnx: the model file does not exist/,
  );
  const labels = await check(
    `cameras:\n  front: { source: rtsp://cam/1 }\nmodel: { labels_path: ${JSON.stringify(assetPath('README.md'))} }\n`,
  );
  assert.equal(labels.code, 2);
  assert.match(labels.out, /model\.labels_path: \/.*README\.md: line \d+ of the labels file is blank/);
});
