import { stringify } from 'yaml';
import { loadConfig, redactConfigForDisplay, resolveConfigPath } from '@shiriki/config';
import { configArgv, loadCommandConfig } from './load.js';

/** `shiriki config check`: validates the file; errors surface through the shared handler in main.ts. */
export async function checkConfig(configOption: string | undefined): Promise<void> {
  const path = resolveConfigPath(configArgv(configOption), process.env);
  const config = await loadConfig(path);
  const cameras = Object.values(config.cameras);
  const enabled = cameras.filter((camera) => camera.enabled).length;
  console.log(`${path}: valid (${cameras.length} cameras, ${enabled} enabled)`);
}

/** `shiriki config show`: the resolved config, defaults filled in, secrets masked. */
export async function showConfig(configOption: string | undefined): Promise<void> {
  const config = await loadCommandConfig(configOption);
  process.stdout.write(stringify(redactConfigForDisplay(config)));
}
