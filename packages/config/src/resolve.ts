import { resolve } from 'node:path';
import type { z } from 'zod';
import { deepMerge } from './merge.js';
import { detectSchema } from './schema/detect.js';
import { motionSchema } from './schema/motion.js';
import { objectFilterSchema, objectsSchema, type ObjectsConfig } from './schema/objects.js';
import { recordSchema, type RecordSectionConfig } from './schema/record.js';
import type { ConfigDocument } from './schema/root.js';
import type { CameraConfig, RecordConfig, ShirikiConfig } from './types.js';
import { fromZodIssues, type PathIssue } from './zod-issues.js';

export interface ResolveContext {
  env: NodeJS.ProcessEnv;
  /** Relative paths in the file resolve against this directory (the config file's directory). */
  baseDir: string;
}

/** `record` keys that belong to the host and the bucket, not to one camera (the recorder reads them once). */
const GLOBAL_ONLY_RECORD_KEYS = ['retention', 'spool'] as const;

/** Merges every camera with the global sections, makes paths absolute and checks cross-references. */
export function resolveConfig(
  doc: ConfigDocument,
  context: ResolveContext,
): { config: ShirikiConfig; issues: [] } | { config?: undefined; issues: PathIssue[] } {
  const issues: PathIssue[] = [];
  const assetsDir = resolveAssetsDir(doc.assets_dir, context);
  const dataDir = resolve(context.baseDir, doc.data_dir);
  const cameras: Record<string, CameraConfig> = {};
  for (const [name, camera] of Object.entries(doc.cameras)) {
    const path = ['cameras', name];
    const detect = mergeSection(detectSchema, doc.detect, camera.detect, [...path, 'detect'], issues);
    const motion = mergeSection(motionSchema, doc.motion, camera.motion, [...path, 'motion'], issues);
    const objects = mergeSection(objectsSchema, doc.objects, camera.objects, [...path, 'objects'], issues);
    const record = mergeSection(recordSchema, doc.record, camera.record, [...path, 'record'], issues);
    for (const key of GLOBAL_ONLY_RECORD_KEYS) {
      if (camera.record && (camera.record as Record<string, unknown>)[key] !== undefined) {
        issues.push({
          path: [...path, 'record', key],
          message: `record.${key} applies to the whole bucket and spool; set it in the global record section`,
        });
      }
    }
    if (!detect || !motion || !objects || !record) continue;
    cameras[name] = {
      name,
      enabled: camera.enabled,
      source: typeof camera.source === 'string' ? [camera.source] : camera.source,
      detect,
      motion,
      objects: withFilterPerLabel(objects),
      zones: camera.zones,
      record: resolveRecord(record, dataDir),
      ffmpeg: camera.ffmpeg,
    };
  }
  issues.push(...crossReferenceIssues(doc, Object.values(cameras)));
  if (issues.length > 0) return { issues };
  const { nats, storage, model } = doc;
  const config: ShirikiConfig = {
    ...doc,
    assets_dir: assetsDir,
    data_dir: dataDir,
    model: {
      ...model,
      path: resolve(assetsDir, model.path),
      labels_path: resolve(assetsDir, model.labels_path),
    },
    nats: {
      ...nats,
      creds_file: optionalPath(context.baseDir, nats.creds_file),
      tls: nats.tls && {
        ca_file: optionalPath(context.baseDir, nats.tls.ca_file),
        cert_file: optionalPath(context.baseDir, nats.tls.cert_file),
        key_file: optionalPath(context.baseDir, nats.tls.key_file),
        server_cert_file: optionalPath(context.baseDir, nats.tls.server_cert_file),
        server_key_file: optionalPath(context.baseDir, nats.tls.server_key_file),
      },
    },
    storage: { ...storage, local: { path: resolve(dataDir, storage.local.path) } },
    api: {
      ...doc.api,
      index: { ...doc.api.index, sqlite_path: resolve(dataDir, doc.api.index.sqlite_path) },
    },
    mqtt: {
      ...doc.mqtt,
      tls: {
        ...doc.mqtt.tls,
        ca_file: optionalPath(context.baseDir, doc.mqtt.tls.ca_file),
        cert_file: optionalPath(context.baseDir, doc.mqtt.tls.cert_file),
        key_file: optionalPath(context.baseDir, doc.mqtt.tls.key_file),
      },
    },
    objects: withFilterPerLabel(doc.objects),
    record: resolveRecord(doc.record, dataDir),
    cameras,
  };
  return { config, issues: [] };
}

function resolveAssetsDir(fromFile: string | undefined, { env, baseDir }: ResolveContext): string {
  if (fromFile !== undefined) return resolve(baseDir, fromFile);
  // A directory from the environment is relative to where the process runs, like any shell path.
  const fromEnv = env['SHIRIKI_ASSETS_DIR'];
  return fromEnv ? resolve(fromEnv) : resolve(baseDir, 'assets');
}

function mergeSection<S extends z.ZodType>(
  schema: S,
  global: unknown,
  override: unknown,
  path: PropertyKey[],
  issues: PathIssue[],
): z.output<S> | undefined {
  const result = schema.safeParse(deepMerge(global, override));
  if (result.success) return result.data;
  issues.push(...fromZodIssues(result.error.issues, path, schema));
  return undefined;
}

function withFilterPerLabel(objects: ObjectsConfig): ObjectsConfig {
  const filters = { ...objects.filters };
  for (const label of objects.track) filters[label] ??= objectFilterSchema.parse({});
  return { ...objects, filters };
}

/** Data paths (ring, spool) resolve against `data_dir`. */
function resolveRecord(record: RecordSectionConfig, dataDir: string): RecordConfig {
  const labels: RecordConfig['labels'] = {};
  for (const [label, window] of Object.entries(record.labels)) {
    labels[label] = {
      pre_capture: window.pre_capture ?? record.pre_capture,
      post_capture: window.post_capture ?? record.post_capture,
    };
  }
  return {
    ...record,
    ring_dir: resolve(dataDir, record.ring_dir),
    spool: { ...record.spool, dir: resolve(dataDir, record.spool.dir) },
    labels,
  };
}

function optionalPath(baseDir: string, path: string | undefined): string | undefined {
  return path === undefined ? undefined : resolve(baseDir, path);
}

function crossReferenceIssues(doc: ConfigDocument, cameras: readonly CameraConfig[]): PathIssue[] {
  const issues: PathIssue[] = [];
  const tracked = new Set<string>();
  const zones = new Set<string>();
  for (const camera of cameras) {
    for (const label of camera.objects.track) tracked.add(label);
    for (const [zoneName, zone] of Object.entries(camera.zones)) {
      zones.add(zoneName);
      zone.objects?.forEach((label, index) => {
        if (!camera.objects.track.includes(label)) {
          issues.push({
            path: ['cameras', camera.name, 'zones', zoneName, 'objects', index],
            message: `"${label}" is not tracked on this camera (objects.track: ${camera.objects.track.join(', ')})`,
          });
        }
      });
    }
  }
  if (doc.alerts.enabled) {
    doc.alerts.labels.forEach((label, index) => {
      if (!tracked.has(label)) {
        issues.push({
          path: ['alerts', 'labels', index],
          message: `"${label}" is not tracked by any camera`,
        });
      }
    });
    doc.alerts.zones?.forEach((zone, index) => {
      if (!zones.has(zone))
        issues.push({ path: ['alerts', 'zones', index], message: `no camera has a zone "${zone}"` });
    });
  }
  return issues;
}
