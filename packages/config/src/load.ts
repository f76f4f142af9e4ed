import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { substituteEnv } from './env.js';
import { deepMerge, isPlainObject } from './merge.js';
import { ConfigError, dottedPath, type ConfigIssue } from './errors.js';
import { resolveConfig } from './resolve.js';
import { configSchema } from './schema/root.js';
import type { ShirikiConfig } from './types.js';
import { parseYaml, type YamlSource } from './yaml-source.js';
import { fromZodIssues, type PathIssue } from './zod-issues.js';

/** Environment variable naming the config file when no `--config` argument is given. */
export const CONFIG_PATH_ENV = 'SHIRIKI_CONFIG';
export const DEFAULT_CONFIG_PATH = 'shiriki.yaml';
/**
 * Environment variable naming an overlay file: YAML merged over the config before validation. `shiriki up`
 * sets it for the services it starts, to point them at the servers it runs (NATS and go2rtc URLs, data
 * directory) without copying the user's file or its secrets.
 */
export const CONFIG_OVERLAY_ENV = 'SHIRIKI_CONFIG_OVERLAY';

export interface ParseConfigOptions {
  /** Values for `${VAR}` references and `SHIRIKI_ASSETS_DIR`. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where the text came from, for error messages. Default `<config>`. */
  source?: string;
  /** Relative paths in the file resolve against this directory. Default: the current directory. */
  baseDir?: string;
  /** Values merged over the file's (after `${VAR}` substitution), as if they were written in it. */
  overlay?: Record<string, unknown>;
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * An overlay file (see {@link CONFIG_OVERLAY_ENV}); `null` for none even when the variable is set.
   * Default: `$SHIRIKI_CONFIG_OVERLAY`, else none.
   */
  overlayPath?: string | null;
}

/** Reads, validates and resolves a config file; relative paths in it resolve against its directory. */
export async function loadConfig(path: string, options: LoadConfigOptions = {}): Promise<ShirikiConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot read the file';
    throw new ConfigError(path, [{ path: '', message: `${reason} (${absolute})` }], { cause });
  }
  const env = options.env ?? process.env;
  const overlayPath = options.overlayPath === undefined ? env[CONFIG_OVERLAY_ENV] : options.overlayPath;
  const overlay = overlayPath ? await readOverlay(overlayPath) : undefined;
  return parseConfig(text, { env, source: path, baseDir: dirname(absolute), overlay });
}

async function readOverlay(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(path, [{ path: '', message: `cannot read the overlay file (${resolve(path)})` }], {
      cause,
    });
  }
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new ConfigError(path, parsed.issues);
  const value = parsed.source.value;
  if (!isPlainObject(value))
    throw new ConfigError(path, [{ path: '', message: 'an overlay is a map of options' }]);
  return value;
}

/**
 * Parses YAML text into a resolved configuration: `${VAR}` references substituted, validated against the
 * schema, defaults applied and every camera merged with the global sections.
 * @throws ConfigError listing every problem, with YAML line numbers.
 */
export function parseConfig(text: string, options: ParseConfigOptions = {}): ShirikiConfig {
  const { env = process.env, source = '<config>', baseDir = process.cwd(), overlay } = options;
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new ConfigError(source, parsed.issues);
  const yaml = parsed.source;
  if (yaml.value === null || yaml.value === undefined) {
    throw new ConfigError(source, [
      { path: '', message: 'the file is empty; define at least `cameras`', line: 1 },
    ]);
  }
  // A missing variable is reported with everything else: validation goes on with the reference left in
  // place, and problems at the same path (the reference is no URL, say) are its echoes, not news.
  const substituted = substituteEnv(yaml.value, env);
  const envIssues: PathIssue[] = substituted.issues;
  const withEnvIssues = (issues: readonly PathIssue[]): PathIssue[] => [
    ...envIssues,
    ...issues.filter((issue) => !envIssues.some((e) => startsWith(issue.path, e.path))),
  ];
  const document = overlay ? deepMerge(substituted.value, overlay) : substituted.value;
  const validated = configSchema.safeParse(withoutExtensions(document));
  if (!validated.success) {
    const issues = withEnvIssues(fromZodIssues(validated.error.issues, [], configSchema));
    throw configError(source, yaml, issues, validated.error);
  }
  const resolved = resolveConfig(validated.data, { env, baseDir: resolve(baseDir) });
  if (!resolved.config || envIssues.length > 0)
    throw configError(source, yaml, withEnvIssues(resolved.issues));
  return resolved.config;
}

/**
 * The config file to load: `--config <path>` (or `--config=<path>`, `-c <path>`) in `argv`, else
 * `$SHIRIKI_CONFIG`, else `./shiriki.yaml`. Pass `process.argv.slice(2)`. Returns an absolute path.
 */
export function resolveConfigPath(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('--config=')) return resolve(requirePath(arg.slice('--config='.length)));
    if (arg === '--config' || arg === '-c') return resolve(requirePath(argv[i + 1]));
  }
  const fromEnv = env[CONFIG_PATH_ENV];
  return resolve(fromEnv ? fromEnv : DEFAULT_CONFIG_PATH);
}

function requirePath(value: string | undefined): string {
  if (value === undefined || value === '' || value.startsWith('-')) {
    throw new ConfigError('<arguments>', [{ path: '', message: '--config needs a file path' }]);
  }
  return value;
}

function startsWith(path: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]));
}

/** Top-level `x-` keys hold YAML anchors for reuse (as in Compose files) and are not options. */
function withoutExtensions(document: unknown): unknown {
  if (!isPlainObject(document)) return document;
  return Object.fromEntries(Object.entries(document).filter(([key]) => !key.startsWith('x-')));
}

function configError(
  source: string,
  yaml: YamlSource,
  issues: readonly PathIssue[],
  cause?: unknown,
): ConfigError {
  const seen = new Set<string>();
  const located: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = dottedPath(issue.path);
    const key = `${path}\n${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const line = yaml.lineOf(issue.path);
    located.push(
      line === undefined ? { path, message: issue.message } : { path, message: issue.message, line },
    );
  }
  // Top to bottom reads like the file; stable, so issues without a line keep their order at the end.
  located.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  return new ConfigError(source, located, cause === undefined ? undefined : { cause });
}
