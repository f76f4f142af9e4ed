import { z } from 'zod';
import { bytesSchema } from './schema/common.js';
import { overriddenSections } from './schema/override.js';
import { configSchema } from './schema/root.js';

/** One documented option. */
export interface OptionRow {
  path: string;
  type: string;
  /** `required`, `—` (optional, no default) or the default as YAML-ish text. */
  default: string;
  description: string;
}

/** Name shown for the keys of each map of user-chosen names. */
const MAP_KEYS: Record<string, string> = {
  cameras: 'camera',
  zones: 'zone',
  filters: 'label',
  labels: 'label',
};

const INTRO = `# Configuration reference

<!-- Generated from packages/config/src/schema by \`pnpm docs:config\`; do not edit by hand. -->

shiriki reads one YAML file: \`--config <path>\`, else \`$SHIRIKI_CONFIG\`, else \`./shiriki.yaml\`.
A commented example is in [config/shiriki.example.yaml](../config/shiriki.example.yaml).

- **Secrets** come from the environment: \`\${VAR}\` or \`\${VAR:-default}\` anywhere inside a string value
  (the default applies when the variable is unset or empty; \`$\${\` is a literal \`\${\`). An unset variable
  without a default is an error. Substituted values are strings. Inside \`{ }\` or \`[ ]\` quote a value
  that holds \`\${...}\` (\`{ password: '\${PW}' }\`): a bare \`{\` would open a YAML map.
- **Cameras inherit** the global \`detect\`, \`motion\`, \`objects\` and \`record\` sections; a camera's own
  section overrides single options (maps merge key by key, lists replace).
- **Paths**: relative paths resolve against the config file's directory; model paths against \`assets_dir\`.
- **Polygons** (zones, masks) are lists of \`[x, y]\` points normalised to 0..1 from the top-left corner:
  at least 3 points, no repeated point, not crossing themselves.
- **Sizes** are numbers of bytes or strings with a unit: \`512MiB\`, \`2GB\` (kB/MB/GB/TB are powers of 1000,
  KiB/MiB/GiB/TiB powers of 1024).
- Unknown options are errors. Top-level keys starting with \`x-\` are ignored: use them for YAML anchors
  (\`x-camera: &camera ...\`, then \`<<: *camera\` in each camera).
`;

/** The Markdown reference of every option, generated from the schema (docs/configuration.md). */
export function renderConfigReference(): string {
  const sections: string[] = [INTRO];
  for (const [key, field] of Object.entries(configSchema.shape as Record<string, z.ZodType>)) {
    const rows = optionRows(field, [key]);
    const inner = unwrap(field).schema;
    const isSection = inner instanceof z.ZodObject || inner instanceof z.ZodRecord;
    const heading = isSection ? `## \`${key}\`\n\n${field.description ?? ''}\n` : `## \`${key}\`\n`;
    sections.push(`${heading}\n${table(isSection ? rows.slice(1) : rows)}`);
  }
  return sections.join('\n');
}

/** Rows for `schema` at `path` and every option below it. */
export function optionRows(schema: z.ZodType, path: readonly string[]): OptionRow[] {
  const { schema: inner, description, fallback } = unwrap(schema);
  const row: OptionRow = {
    path: path.join('.'),
    type: typeName(inner),
    default: fallback,
    description: description ?? '',
  };
  const section = overriddenSections.get(inner);
  if (section !== undefined) {
    return [{ ...row, type: 'object', description: `Overrides any \`${section}\` option for this camera.` }];
  }
  if (inner instanceof z.ZodObject) {
    const rows = [row];
    for (const [key, field] of Object.entries(inner.def.shape)) {
      rows.push(...optionRows(field as z.ZodType, [...path, key]));
    }
    return rows;
  }
  if (inner instanceof z.ZodRecord) {
    const key = `<${MAP_KEYS[path.at(-1) ?? ''] ?? 'name'}>`;
    const value = inner.valueType as z.ZodType;
    const valueRows = optionRows(value, [...path, key]);
    // An object value needs no row of its own: its options carry the `<name>` in their paths.
    return [row, ...(unwrap(value).schema instanceof z.ZodObject ? valueRows.slice(1) : valueRows)];
  }
  return [row];
}

function unwrap(schema: z.ZodType): { schema: z.ZodType; description?: string; fallback: string } {
  let current = schema;
  let description = schema.description;
  let fallback = 'required';
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
      const value: unknown = current.def.defaultValue;
      fallback = showValue(value);
    } else if (current instanceof z.ZodOptional) {
      if (fallback === 'required') fallback = '—';
    } else {
      break;
    }
    current = current.unwrap() as z.ZodType;
    description ??= current.description;
  }
  // A section defaulting to `{}` takes its defaults from its options, listed in their own rows.
  if (fallback === '`{}`' && current instanceof z.ZodObject) fallback = '';
  return description === undefined
    ? { schema: current, fallback }
    : { schema: current, description, fallback };
}

function typeName(schema: z.ZodType): string {
  if (schema === bytesSchema) return 'size';
  if (schema instanceof z.ZodNumber) return numberType(schema);
  if (schema instanceof z.ZodArray) {
    const element = schema.element as z.ZodType;
    if (element instanceof z.ZodTuple) return 'polygon';
    return `list of ${typeName(element)}`;
  }
  if (schema instanceof z.ZodEnum)
    return schema.options.map((option) => `\`${String(option)}\``).join(' \\| ');
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).map(typeName).join(' or ');
  if (schema instanceof z.ZodRecord) return 'map';
  const type = schema.def.type;
  if (type === 'string' && 'format' in schema.def && schema.def.format === 'url') return 'URL';
  return type;
}

function numberType(schema: z.ZodNumber): string {
  let low: { value: number; inclusive: boolean } | undefined;
  let high: { value: number; inclusive: boolean } | undefined;
  for (const check of schema.def.checks ?? []) {
    const def = check._zod.def as { check: string; value?: unknown; inclusive?: boolean };
    if (typeof def.value !== 'number') continue;
    if (def.check === 'greater_than') low = { value: def.value, inclusive: def.inclusive === true };
    if (def.check === 'less_than') high = { value: def.value, inclusive: def.inclusive === true };
  }
  const base = schema.isInt ? 'integer' : 'number';
  if (low?.inclusive && high?.inclusive) return `${base} ${low.value}..${high.value}`;
  const bounds = [
    low && `${low.inclusive ? '≥' : '>'} ${low.value}`,
    high && `${high.inclusive ? '≤' : '<'} ${high.value}`,
  ]
    .filter((bound) => bound !== undefined)
    .join(', ');
  return bounds === '' ? base : `${base} ${bounds}`;
}

function showValue(value: unknown): string {
  if (typeof value === 'string') return `\`${value}\``;
  return `\`${JSON.stringify(value)}\``;
}

function table(rows: readonly OptionRow[]): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['| Option | Type | Default | Description |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    lines.push(`| \`${row.path}\` | ${row.type} | ${row.default} | ${escape(row.description)} |`);
  }
  return `${lines.join('\n')}\n`;
}
