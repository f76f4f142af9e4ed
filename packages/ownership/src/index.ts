export { CameraOwnership } from './camera-ownership.js';
export { OwnedCameras } from './owned-cameras.js';
export type { CameraUnit, OwnedCamerasOptions } from './owned-cameras.js';
export type { CameraOwnershipOptions, Lease, OwnershipState, ReleaseReason } from './camera-ownership.js';
export { openLeaseBucket } from './lease-bucket.js';
export type { LeaseBucketOptions } from './lease-bucket.js';
export { planAssignment } from './assignment.js';
export { LeaseBucketError } from './errors.js';
