import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { loadConfig, resolveConfigPath } from '@shiriki/config';
import { renderGo2rtcConfig } from '@shiriki/go2rtc';
import { configArgv } from './load.js';

/**
 * Every `${VAR}` reference left as written: go2rtc expands them itself when it loads its config, so the
 * generated file never holds a password that came from the environment.
 */
const placeholderEnv: NodeJS.ProcessEnv = new Proxy({}, { get: (_, name) => `\${${String(name)}}` });

/** go2rtc.yaml text for the enabled cameras of the config file at `path`. */
export async function renderGo2rtcYaml(path: string): Promise<{ yaml: string; streams: number }> {
  const config = await loadConfig(path, { env: placeholderEnv, overlayPath: null });
  const cameras = Object.fromEntries(
    Object.values(config.cameras)
      .filter((camera) => camera.enabled)
      .map((camera) => [camera.name, { source: camera.source }]),
  );
  const yaml = renderGo2rtcConfig({
    cameras,
    api: { listen: `:${new URL(config.go2rtc.api_url).port || '1984'}` },
    rtsp: { listen: `:${new URL(config.go2rtc.rtsp_url).port || '8554'}` },
    generatedFrom: relative(process.cwd(), path) || path,
  });
  return { yaml, streams: Object.keys(cameras).length };
}

/** `shiriki go2rtc config`: go2rtc.yaml with one stream per enabled camera. */
export async function writeGo2rtcConfig(
  configOption: string | undefined,
  output: string | undefined,
): Promise<void> {
  const path = resolveConfigPath(configArgv(configOption), process.env);
  const { yaml, streams } = await renderGo2rtcYaml(path);
  if (output === undefined || output === '-') process.stdout.write(yaml);
  else {
    await writeFile(output, yaml, { mode: 0o600 });
    console.log(`wrote ${output} (${streams} streams)`);
  }
}
