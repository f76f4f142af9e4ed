export { spawnChild, liveChildCount } from './child.js';
export type { ManagedChild, ChildExit, SpawnChildOptions, StopOptions } from './child.js';
export { resolveFfmpegPath, FFMPEG_ENV } from './ffmpeg.js';
export { ChildProcessError, ExecutableNotFoundError } from './errors.js';
