import { z } from 'zod';

/** Override schemas built by {@link overrideOf}, with the name of the global section they override. */
export const overriddenSections = new WeakMap<z.ZodType, string>();

/**
 * The per-camera form of a global section: the same keys and value checks, every key optional and no
 * defaults, so a camera states only what differs and the defaults stay in the global schema. Cross-field
 * checks of the section run later, on the merged result.
 */
export function overrideOf(schema: z.ZodType, section: string): z.ZodType {
  const override = optionalFields(schema);
  overriddenSections.set(override, section);
  return override;
}

function optionalFields(schema: z.ZodType): z.ZodType {
  const inner = unwrapDefaults(schema);
  let result: z.ZodType = inner;
  if (inner instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, field] of Object.entries(inner.def.shape)) {
      shape[key] = optionalFields(field as z.ZodType).optional();
    }
    result = z.strictObject(shape);
  } else if (inner instanceof z.ZodRecord) {
    result = z.record(inner.keyType as z.ZodString, optionalFields(inner.valueType as z.ZodType));
  }
  const description = schema.description ?? inner.description;
  return description === undefined ? result : result.describe(description);
}

/** Strips `.default()`, `.prefault()` and `.optional()` wrappers. */
function unwrapDefaults(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) {
    return unwrapDefaults(schema.unwrap() as z.ZodType);
  }
  return schema;
}
