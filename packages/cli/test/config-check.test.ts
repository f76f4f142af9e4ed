import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@shiriki/testing';

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
      {
        env: { ...process.env, ...env },
      },
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
  assert.match(out, /valid \(1 cameras, 1 enabled\)/);
  assert.doesNotMatch(out, /hunter2-secret/);
});
