import { stringify } from 'yaml';
import {
  ConfigError,
  loadConfig,
  redactConfigForDisplay,
  resolveConfigPath,
  type ShirikiConfig,
} from '@shiriki/config';
import { ModelLoadError, ObjectDetector, modelSpecFromConfig } from '@shiriki/detector';
import { configArgv, loadCommandConfig } from './load.js';

/**
 * `shiriki config check`: validates the file, then loads the model and its labels as the detector would;
 * every problem surfaces through the shared handler in main.ts (exit code 2).
 */
export async function checkConfig(configOption: string | undefined): Promise<void> {
  const path = resolveConfigPath(configArgv(configOption), process.env);
  const config = await loadConfig(path);
  await checkModel(path, config);
  const cameras = Object.values(config.cameras);
  const enabled = cameras.filter((camera) => camera.enabled).length;
  console.log(
    `${path}: valid (${cameras.length} cameras, ${enabled} enabled; model ${config.model.path} loads)`,
  );
}

/** The model and labels files exist and load into a detector, as the detector service will need them. */
async function checkModel(path: string, config: ShirikiConfig): Promise<void> {
  try {
    const detector = await ObjectDetector.load({
      ...modelSpecFromConfig(config),
      intraOpThreads: 1,
      interOpThreads: 1,
    });
    await detector.close();
  } catch (error) {
    if (!(error instanceof ModelLoadError)) throw error;
    const labels = error.reason === 'labels';
    const option = labels ? 'model.labels_path' : 'model.path';
    // ModelLoadError says "Cannot load model <path>", which reads wrong for a labels file.
    const message = labels ? error.message.replace(/^Cannot load model /, '') : error.message;
    const hint =
      error.reason === 'missing_file' || labels
        ? ' (relative paths resolve against assets_dir; README "Model and sample clips" says where to get one)'
        : '';
    throw new ConfigError(path, [{ path: option, message: `${message}${hint}` }], { cause: error });
  }
}

/** `shiriki config show`: the resolved config, defaults filled in, secrets masked. */
export async function showConfig(configOption: string | undefined): Promise<void> {
  const config = await loadCommandConfig(configOption);
  process.stdout.write(stringify(redactConfigForDisplay(config)));
}
