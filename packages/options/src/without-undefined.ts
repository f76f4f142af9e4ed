/** `T` with the keys that may hold `undefined` made optional and `undefined` taken out of their type. */
export type WithoutUndefined<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/**
 * `value` without its `undefined` properties, so `{ ...DEFAULTS, ...withoutUndefined(options) }` keeps a
 * default where a caller passed `{ key: undefined }` (as optional config fields do).
 */
export function withoutUndefined<T extends object>(value: T): WithoutUndefined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as WithoutUndefined<T>;
}
