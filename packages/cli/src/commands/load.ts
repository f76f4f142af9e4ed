import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_OVERLAY_ENV, loadConfig, resolveConfigPath, type ShirikiConfig } from '@shiriki/config';

/** Where `shiriki up` keeps its own files inside the data directory (its go2rtc config, the overlay). */
export const UP_DIR = 'up';

/** Where `shiriki up` writes the overlay naming the servers it runs (see up.ts). */
export function upOverlayPath(dataDir: string): string {
  return join(dataDir, UP_DIR, 'overlay.yaml');
}

/**
 * The config a command works with. When `shiriki up` runs (or ran) on this config's data directory, its
 * overlay is applied, so `tail` and `config show` talk to the NATS and go2rtc that `up` started even when
 * it had to move them off their default ports.
 */
export async function loadCommandConfig(configOption: string | undefined): Promise<ShirikiConfig> {
  const path = resolveConfigPath(configArgv(configOption), process.env);
  const config = await loadConfig(path);
  if (process.env[CONFIG_OVERLAY_ENV]) return config;
  const overlay = upOverlayPath(config.data_dir);
  return existsSync(overlay) ? loadConfig(path, { overlayPath: overlay }) : config;
}

export function configArgv(configOption: string | undefined): string[] {
  return configOption === undefined ? [] : ['--config', configOption];
}
