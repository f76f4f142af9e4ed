import { z } from 'zod';
import { polygonProblems } from '../polygon.js';

/** Camera and zone names become NATS subject tokens and go2rtc stream names. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function nameSchema(what: string) {
  return z.string().regex(NAME_PATTERN, {
    error: (issue) =>
      `${what} name ${JSON.stringify(issue.input)} must be 1-64 characters of A-Z, a-z, 0-9, _ or - ` +
      '(it becomes a NATS subject token and a go2rtc stream name)',
  });
}

const coordinate = z
  .number()
  .min(0, 'coordinates are normalised: 0..1')
  .max(1, 'coordinates are normalised: 0..1');

/** A polygon in normalised coordinates: at least 3 [x, y] points, not closed, simple, with an area. */
export const polygonSchema = z
  .array(z.tuple([coordinate, coordinate], { error: 'a point is a pair [x, y]' }))
  .check((ctx) => {
    for (const message of polygonProblems(ctx.value))
      ctx.issues.push({ code: 'custom', message, input: ctx.value });
  })
  .describe('Polygon: a list of [x, y] points, normalised to 0..1 (x from the left, y from the top).');

export const polygonListSchema = z.array(polygonSchema);

export const labelSchema = z.string().min(1, 'a label cannot be empty');

export const labelListSchema = z.array(labelSchema).check((ctx) => {
  const seen = new Set<string>();
  for (const label of ctx.value) {
    if (seen.has(label))
      ctx.issues.push({ code: 'custom', message: `label "${label}" is listed twice`, input: ctx.value });
    seen.add(label);
  }
});

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};
const BYTES_PATTERN = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?$/i;

/** Parses `512MiB`, `2GB`, `1.5 GiB` or a plain number of bytes; undefined when it is none of those. */
export function parseByteSize(text: string): number | undefined {
  const match = BYTES_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const unit = UNITS[(match[2] ?? 'b').toLowerCase()];
  return unit === undefined ? undefined : Math.floor(Number(match[1]) * unit);
}

/** A size in bytes: a number, or a string with a unit (kB, MB, GB, TB in powers of 1000; KiB, MiB, GiB, TiB in 1024). */
export const bytesSchema = z
  .union([z.number().int().positive(), z.string()], {
    error: 'expected a size such as 512MiB, 2GB or a number of bytes',
  })
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const bytes = parseByteSize(value);
    if (bytes === undefined || bytes <= 0) {
      ctx.issues.push({
        code: 'custom',
        message: `"${value}" is not a size; use a number of bytes or a unit such as 512MiB or 2GB`,
        input: value,
      });
      return z.NEVER;
    }
    return bytes;
  });

export const positiveInt = () => z.number().int().positive();
export const nonNegative = () => z.number().min(0);
export const fraction = () => z.number().min(0).max(1);
