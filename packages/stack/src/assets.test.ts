import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetPath, assetsDir } from './assets.js';
import { AssetsNotFoundError } from './errors.js';

test('assetsDir and assetPath follow SHIRIKI_ASSETS_DIR', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shiriki-assets-'));
  try {
    mkdirSync(join(dir, 'media'));
    writeFileSync(join(dir, 'media', 'clip.mp4'), '');
    const env = { SHIRIKI_ASSETS_DIR: dir };
    assert.equal(assetsDir(env), dir);
    assert.equal(assetPath('media/clip.mp4', env), join(dir, 'media', 'clip.mp4'));
    assert.throws(() => assetPath('media/missing.mp4', env), AssetsNotFoundError);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a missing assets directory names the variable to set', () => {
  assert.throws(
    () => assetsDir({ SHIRIKI_ASSETS_DIR: '/nonexistent/assets' }),
    (error: unknown) =>
      error instanceof AssetsNotFoundError &&
      error.path === '/nonexistent/assets' &&
      error.envVar === 'SHIRIKI_ASSETS_DIR' &&
      /SHIRIKI_ASSETS_DIR/.test(error.message) &&
      /README/.test(error.message),
  );
});
