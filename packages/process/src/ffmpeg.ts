import { createRequire } from 'node:module';
import { accessSync, constants } from 'node:fs';
import { ExecutableNotFoundError } from './errors.js';

/** Environment variable that overrides the bundled ffmpeg (for example a build with hardware decoders). */
export const FFMPEG_ENV = 'SHIRIKI_FFMPEG';

/**
 * The ffmpeg binary shiriki runs: `$SHIRIKI_FFMPEG` when set, otherwise the static build shipped by
 * `@ffmpeg-installer/ffmpeg`.
 */
export function resolveFfmpegPath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[FFMPEG_ENV];
  if (override) {
    assertExecutable(override, `${FFMPEG_ENV} points at ${override}, which is not an executable file.`);
    return override;
  }
  const require = createRequire(import.meta.url);
  let bundled: string;
  try {
    bundled = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch (cause) {
    throw new ExecutableNotFoundError(
      'ffmpeg',
      `Run scripts/bootstrap.sh to install @ffmpeg-installer/ffmpeg, or set ${FFMPEG_ENV}.`,
      { cause },
    );
  }
  assertExecutable(bundled, `Reinstall node dependencies (scripts/bootstrap.sh) or set ${FFMPEG_ENV}.`);
  return bundled;
}

function assertExecutable(path: string, hint: string): void {
  try {
    accessSync(path, constants.X_OK);
  } catch (cause) {
    throw new ExecutableNotFoundError('ffmpeg', hint, { cause });
  }
}
