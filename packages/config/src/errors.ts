/** One problem in a configuration file. */
export interface ConfigIssue {
  /** Dotted path of the offending option, e.g. `cameras.front_door.zones.porch.coordinates`; empty for the whole file. */
  path: string;
  message: string;
  /** 1-based line in the YAML file, when known. */
  line?: number;
}

/** The configuration could not be read, parsed or validated; `issues` lists every problem found. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** The file (or label) the configuration came from. */
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
    options?: { cause?: unknown },
  ) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super([`invalid configuration ${source} (${count}):`, ...issues.map(formatIssue)].join('\n'), options);
  }
}

/** `<path>: <message> (line N)`. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? '' : ` (line ${issue.line})`;
  return issue.path === '' ? `${issue.message}${where}` : `${issue.path}: ${issue.message}${where}`;
}

/**
 * Text for a terminal: a {@link ConfigError} as compiler-style `file:line: path: message` lines, anything
 * else as its name and message.
 */
export function formatConfigError(error: unknown): string {
  if (error instanceof ConfigError) {
    const lines = error.issues.map((issue) => {
      const location = issue.line === undefined ? error.source : `${error.source}:${issue.line}`;
      const subject = issue.path === '' ? '' : `${issue.path}: `;
      return `${location}: ${subject}${issue.message}`;
    });
    const count = error.issues.length === 1 ? '1 problem' : `${error.issues.length} problems`;
    return [...lines, `configuration is invalid (${count})`].join('\n');
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** `cameras.front.zones.porch.coordinates[2]` from `['cameras', 'front', 'zones', 'porch', 'coordinates', 2]`. */
export function dottedPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}
