import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AssetsNotFoundError } from './errors.js';
import { repoRoot } from './tools.js';

/** Environment variable naming the test assets directory (media clips, models). */
export const ASSETS_ENV = 'SHIRIKI_ASSETS_DIR';

/** The assets directory: `$SHIRIKI_ASSETS_DIR`, else `<repo>/../shared/assets`. */
export function assetsDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = resolve(env[ASSETS_ENV] || join(repoRoot(), '..', 'shared', 'assets'));
  try {
    if (statSync(dir).isDirectory()) return dir;
  } catch (cause) {
    throw new AssetsNotFoundError(dir, ASSETS_ENV, { cause });
  }
  throw new AssetsNotFoundError(dir, ASSETS_ENV);
}

/** Absolute path of an asset, e.g. `assetPath('media/person-walk.mp4')`; throws if it does not exist. */
export function assetPath(relative: string, env: NodeJS.ProcessEnv = process.env): string {
  const path = join(assetsDir(env), relative);
  try {
    statSync(path);
  } catch (cause) {
    throw new AssetsNotFoundError(path, ASSETS_ENV, { cause });
  }
  return path;
}
