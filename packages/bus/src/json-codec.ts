import type { z } from 'zod';
import { DecodeError, EncodeError, type MessageIssue } from './errors.js';

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Validates `value` against `schema` and serialises the parsed result as UTF-8 JSON. */
export function encodeJson<S extends z.ZodType>(schema: S, value: z.input<S>): Uint8Array {
  const result = schema.safeParse(value);
  if (!result.success) throw new EncodeError(toIssues(result.error), { cause: result.error });
  return utf8.encode(JSON.stringify(result.data));
}

/** Parses UTF-8 JSON and validates it against `schema`. Throws {@link DecodeError} and nothing else. */
export function decodeJson<S extends z.ZodType>(schema: S, bytes: Uint8Array): z.output<S> {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch (cause) {
    throw new DecodeError('invalid_utf8', [], { cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new DecodeError('invalid_json', [], { cause });
  }
  const result = schema.safeParse(raw);
  if (!result.success)
    throw new DecodeError('schema_mismatch', toIssues(result.error), { cause: result.error });
  return result.data;
}

function toIssues(error: z.ZodError): MessageIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}
