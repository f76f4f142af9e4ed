import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChild, type ManagedChild } from '@shiriki/process';
import { repoRoot } from '@shiriki/stack';

/**
 * Writes a service config into `dir` as `<name>-<random>.yaml` and returns its path. The config is written as
 * JSON, which is valid YAML, so tests build it as a plain object in the config's own snake_case keys.
 */
export function writeServiceConfig(dir: string, config: object, name = 'shiriki'): string {
  const path = join(dir, `${name}-${Math.random().toString(36).slice(2, 8)}.yaml`);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export interface SpawnServiceOptions {
  /** Name of the child in errors and logs. Default: the service name. */
  name?: string;
  /** More environment on top of this process's, after the defaults (`SHIRIKI_METRICS_PORT=0`, no `NODE_OPTIONS`). */
  env?: NodeJS.ProcessEnv;
  /** Node options before the entry point, e.g. `--cpu-prof`. Default: none. */
  nodeArgs?: readonly string[];
  /** A command the service runs under, e.g. `['ip', 'netns', 'exec', 'host1']`. Default: none. */
  prefix?: readonly string[];
}

/** A service running as its own process; stdout and stderr are appended to `logFile`. */
export interface ServiceProcess {
  readonly child: ManagedChild;
  readonly pid: number;
  readonly logFile: string;
}

/**
 * Runs `services/<service>/src/main.ts --config <configPath>` from TypeScript sources (`shiriki-source`, tsx),
 * the way it is deployed, with a free metrics port. Resolves once the process is spawned, not once it serves:
 * wait for a log line with `waitForLog`.
 */
export async function spawnService(
  service: string,
  configPath: string,
  logFile: string,
  options: SpawnServiceOptions = {},
): Promise<ServiceProcess> {
  const root = repoRoot();
  const [command = process.execPath, ...prefixArgs] = [...(options.prefix ?? []), process.execPath];
  const child = await spawnChild(
    command,
    [
      ...prefixArgs,
      ...(options.nodeArgs ?? []),
      ...['--conditions=shiriki-source', '--import', 'tsx'],
      ...[join(root, `services/${service}/src/main.ts`), '--config', configPath],
    ],
    {
      name: options.name ?? service,
      cwd: root,
      env: { ...process.env, SHIRIKI_METRICS_PORT: '0', NODE_OPTIONS: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = createWriteStream(logFile, { flags: 'a' });
  child.process.stdout?.pipe(log);
  child.process.stderr?.pipe(log);
  return { child, pid: child.pid, logFile };
}
