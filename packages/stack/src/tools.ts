import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RepoRootNotFoundError, ToolNotFoundError } from './errors.js';

/**
 * The binaries bootstrap builds, with the environment variable that overrides each: the servers this package
 * starts, and the deployment tools of the deploy tests (`bootstrap.sh --with-deploy-tools`).
 */
export const TOOL_ENV = {
  'nats-server': 'SHIRIKI_NATS_SERVER',
  go2rtc: 'SHIRIKI_GO2RTC',
  minio: 'SHIRIKI_MINIO',
  helm: 'SHIRIKI_HELM',
  promtool: 'SHIRIKI_PROMTOOL',
  'kube-validate': 'SHIRIKI_KUBE_VALIDATE',
} as const;

export type ToolName = keyof typeof TOOL_ENV;

/**
 * Path of a server binary: `$SHIRIKI_<TOOL>` when set, else `<repo>/.tools/bin/<tool>` as installed by
 * scripts/bootstrap.sh. Never a binary found on PATH: distributions ship nats-server versions too old for
 * the JetStream features shiriki uses.
 */
export function resolveTool(tool: ToolName, env: NodeJS.ProcessEnv = process.env): string {
  const envVar = TOOL_ENV[tool];
  const override = env[envVar];
  const path = override || join(repoRoot(), '.tools', 'bin', tool);
  try {
    accessSync(path, constants.X_OK);
  } catch (cause) {
    throw new ToolNotFoundError(tool, envVar, path, { cause });
  }
  return path;
}

/** The folder holding pnpm-workspace.yaml, found by walking up from `startDir` (default: this package). */
export function repoRoot(startDir: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = startDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new RepoRootNotFoundError(startDir);
  }
}
