import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { ConfigIssue } from './errors.js';
import { redactText } from '@shiriki/telemetry';

/** A parsed YAML file that can tell on which line a value sits. */
export interface YamlSource {
  /** The document as plain JavaScript values (aliases and `<<` merge keys expanded). */
  value: unknown;
  /** 1-based line of the deepest existing node along `path` (the key's line for map entries). */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

export type YamlParseResult = { ok: true; source: YamlSource } | { ok: false; issues: ConfigIssue[] };

export function parseYaml(text: string): YamlParseResult {
  const lineCounter = new LineCounter();
  // prettyErrors would append a source excerpt to each message, and with it any password on that line.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const [first] = doc.errors;
  if (first) {
    // Later syntax errors are nearly always echoes of the first one. The quoted token some messages end
    // with is dropped: it is file content and may be a secret; the line number points at it anyway.
    const message = redactText(first.message.replace(/:\s*".*$/s, ''));
    // The parser notices an unclosed `{` or `[` only where the next block begins; the mistake is on the
    // line that opened it.
    const opened = /^Flow (map|sequence)/.test(first.message)
      ? unclosedBracketAt(text, first.pos[0])
      : undefined;
    const at = opened ?? first.pos[0];
    return {
      ok: false,
      issues: [{ path: '', message: `YAML syntax error: ${message}`, line: lineCounter.linePos(at).line }],
    };
  }
  const line = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  return {
    ok: true,
    source: {
      value: doc.toJS({ maxAliasCount: 1000 }) as unknown,
      lineOf: (path) => lineOf(doc, path, line),
    },
  };
}

function lineOf(doc: Document, path: readonly PropertyKey[], line: (node: unknown) => number | undefined) {
  let node: unknown = doc.contents;
  let found = line(node);
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      found = line(pair.key) ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      found = line(item) ?? found;
      node = item;
    } else {
      break;
    }
  }
  return found;
}

/** Offset of the innermost `{` or `[` still open at `end` (outside quotes and comments), if any. */
function unclosedBracketAt(text: string, end: number): number | undefined {
  const open: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < end; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      while (i < end && text[i] !== '\n') i++;
    } else if (c === '{' || c === '[') {
      open.push(i);
    } else if (c === '}' || c === ']') {
      open.pop();
    }
  }
  return open.at(-1);
}
