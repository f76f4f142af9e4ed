/** A `${...}` reference that could not be substituted. */
export interface EnvIssue {
  path: (string | number)[];
  message: string;
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value (not in keys) with values from `env`.
 * The default applies when the variable is unset or empty; `$${` stays a literal `${`. Substituted text is
 * not scanned again, so a secret containing `${` is kept as it is. Results are always strings.
 */
export function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
): { value: unknown; issues: EnvIssue[] } {
  const issues: EnvIssue[] = [];
  return { value: walk(value, env, [], issues), issues };
}

function walk(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: (string | number)[],
  issues: EnvIssue[],
): unknown {
  if (typeof value === 'string') return substituteString(value, env, path, issues);
  if (Array.isArray(value))
    return value.map((item: unknown, index) => walk(item, env, [...path, index], issues));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = walk(item, env, [...path, key], issues);
    return result;
  }
  return value;
}

function substituteString(
  text: string,
  env: NodeJS.ProcessEnv,
  path: (string | number)[],
  issues: EnvIssue[],
) {
  return text.replace(REFERENCE, (match: string, inner: string | undefined) => {
    if (match === '$${') return '${';
    if (inner === undefined) {
      issues.push({
        path,
        message: 'unterminated "${": close it with "}" or write "$${" for a literal "${"',
      });
      return match;
    }
    const parsed = VARIABLE.exec(inner);
    if (!parsed) {
      issues.push({
        path,
        message: `"\${${inner}}" is not a valid reference; use \${NAME} or \${NAME:-default}`,
      });
      return match;
    }
    const name = parsed[1] ?? '';
    const fallback = parsed[2];
    const current = env[name];
    if (fallback !== undefined) return current === undefined || current === '' ? fallback : current;
    if (current === undefined) {
      issues.push({
        path,
        message: `environment variable ${name} is not set (write \${${name}:-default} for a fallback)`,
      });
      return match;
    }
    return current;
  });
}
