export { boxArea, boxesOverlap, iou, isOnEdge, unionBox } from './box.js';
export type { Box } from './box.js';
export { bottomCentre, pointInPolygon } from './polygon.js';
export type { NormalisedPoint } from './polygon.js';
