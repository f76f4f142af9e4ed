import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, resolveTool } from './tools.js';
import { RepoRootNotFoundError, ToolNotFoundError } from './errors.js';

test('repoRoot finds the folder holding pnpm-workspace.yaml', () => {
  assert.ok(existsSync(join(repoRoot(), 'pnpm-workspace.yaml')));
  const dir = mkdtempSync(join(tmpdir(), 'shiriki-root-'));
  try {
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages: []\n');
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    assert.equal(repoRoot(join(dir, 'a', 'b')), dir);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('repoRoot throws a typed error outside any workspace', () => {
  assert.throws(() => repoRoot('/'), RepoRootNotFoundError);
});

test('resolveTool prefers the environment override', () => {
  assert.equal(resolveTool('nats-server', { SHIRIKI_NATS_SERVER: '/bin/sh' }), '/bin/sh');
});

test('resolveTool says to run bootstrap when the binary is missing', () => {
  assert.throws(
    () => resolveTool('minio', { SHIRIKI_MINIO: '/nonexistent/minio' }),
    (error: unknown) =>
      error instanceof ToolNotFoundError &&
      error.name === 'ToolNotFoundError' &&
      error.tool === 'minio' &&
      error.envVar === 'SHIRIKI_MINIO' &&
      error.searchedPath === '/nonexistent/minio' &&
      /run scripts\/bootstrap\.sh/.test(error.message),
  );
});

test('resolveTool looks in <repo>/.tools/bin without an override, never on PATH', () => {
  try {
    assert.equal(resolveTool('go2rtc', {}), join(repoRoot(), '.tools', 'bin', 'go2rtc'));
  } catch (error) {
    assert.ok(error instanceof ToolNotFoundError);
    assert.equal(error.searchedPath, join(repoRoot(), '.tools', 'bin', 'go2rtc'));
  }
});
