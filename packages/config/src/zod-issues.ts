import type { z } from 'zod';

/** A problem located by its path in the configuration document. */
export interface PathIssue {
  path: PropertyKey[];
  message: string;
}

/** Flattens zod issues into path issues: one per unknown key, key errors at the key, terse type messages. */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): PathIssue[] {
  const result: PathIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) result.push({ path: [...path, key], message: `unknown option "${key}"` });
    } else if (issue.code === 'invalid_key') {
      result.push({ path, message: issue.issues[0]?.message ?? issue.message });
    } else {
      result.push({ path, message: issue.message.replace(/^Invalid input: /, '') });
    }
  }
  return result;
}
