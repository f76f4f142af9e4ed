export { withoutUndefined } from './without-undefined.js';
export type { WithoutUndefined } from './without-undefined.js';
