import { z } from 'zod';

/** A problem located by its path in the configuration document. */
export interface PathIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * Flattens zod issues into path issues worded for people: one per unknown key (with the nearest known key
 * when one is close), key errors at the key, and type and range messages in plain words. `schema` is the
 * schema the issues came from, used to list the keys an object accepts.
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
  schema?: z.ZodType,
): PathIssue[] {
  const result: PathIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = schema ? keysAt(schema, issue.path) : [];
      for (const key of issue.keys) {
        const nearest = nearestKey(key, known);
        result.push({
          path: [...path, key],
          message: `unknown option "${key}"${nearest ? `; did you mean "${nearest}"?` : ''}`,
        });
      }
    } else if (issue.code === 'invalid_key') {
      result.push({ path, message: issue.issues[0]?.message ?? issue.message });
    } else {
      result.push({ path, message: wording(issue) });
    }
  }
  return result;
}

/** zod's default messages ("Too small: expected number to be >0") in the words of a config reference. */
function wording(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.message.startsWith('Invalid input')) {
        const received = /received (\w+)/.exec(issue.message)?.[1];
        if (received === 'undefined') return 'required';
        return `expected ${article(issue.expected)}${received ? `, got ${article(received)}` : ''}`;
      }
      return issue.message;
    }
    case 'too_small':
    case 'too_big': {
      if (!/^Too (small|big)/.test(issue.message)) return issue.message;
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const inclusive = issue.inclusive !== false;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        if (issue.code === 'too_small')
          return inclusive ? `must be at least ${bound}` : `must be greater than ${bound}`;
        return inclusive ? `must be at most ${bound}` : `must be less than ${bound}`;
      }
      const unit = issue.origin === 'string' ? 'character' : 'item';
      if (issue.code === 'too_small') {
        if (bound === 1 && inclusive)
          return issue.origin === 'string' ? 'must not be empty' : 'needs at least one item';
        return `needs at least ${bound} ${unit}s`;
      }
      return `takes at most ${bound} ${unit}s`;
    }
    case 'invalid_value':
      return issue.message.startsWith('Invalid')
        ? `must be one of: ${issue.values.map((v) => String(v)).join(', ')}`
        : issue.message;
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

function article(type: string): string {
  const words: Record<string, string> = {
    object: 'a map of options',
    array: 'a list',
    string: 'a text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    null: 'nothing (null)',
    record: 'a map',
  };
  return words[type] ?? type;
}

/** The keys the object schema at `path` (inside `schema`) accepts; none when it is not an object. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject)
      current = (current.def.shape as Record<string, z.ZodType>)[String(segment)];
    else if (current instanceof z.ZodRecord) current = current.def.valueType as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.def.element as z.ZodType;
    else return [];
    if (current === undefined) return [];
    current = unwrap(current);
  }
  return current instanceof z.ZodObject ? Object.keys(current.def.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.def.in as z.ZodType;
    } else if (current instanceof z.ZodUnion) {
      // Camera sources and similar: a string or an object form; the object form has the keys.
      const object = (current.options as z.ZodType[]).map(unwrap).find((o) => o instanceof z.ZodObject);
      if (!object) return current;
      current = object;
    } else {
      return current;
    }
  }
}

/** The known key closest to `key` by edit distance, when it is close enough to be a misspelling. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { key: candidate, distance };
  }
  if (best === undefined) return undefined;
  return best.distance <= Math.max(1, Math.floor(best.key.length / 3)) ? best.key : undefined;
}

/** Levenshtein distance with adjacent transpositions (`widht` is one step from `width`). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
