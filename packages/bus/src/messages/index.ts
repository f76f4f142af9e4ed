export {
  CameraNameSchema,
  CountSchema,
  EpochMsSchema,
  FractionSchema,
  LabelSchema,
  PixelBoxSchema,
} from './common.js';
export type { PixelBox } from './common.js';
export { MotionAlertSchema } from './motion-alert.js';
export type { MotionAlert } from './motion-alert.js';
export { DetectionSchema, DetectionsSchema } from './detections.js';
export type { Detection, Detections } from './detections.js';
export { EventSnapshotSchema, ObjectEventSchema } from './object-event.js';
export type { EventSnapshot, ObjectEvent } from './object-event.js';
export { AlertSchema, MotionNotificationSchema, ObjectAlertSchema, alertSubjectKind } from './alert.js';
export type { Alert, ObjectAlert } from './alert.js';
export { ClipReadySchema } from './clip-ready.js';
export type { ClipReady } from './clip-ready.js';
export { CameraStatusSchema } from './camera-status.js';
export type { CameraStatus } from './camera-status.js';
export { ServiceStatusSchema } from './service-status.js';
export type { ServiceStatus } from './service-status.js';
export { CAMERA_SWITCHES, CameraSwitchesSchema } from './camera-switches.js';
export type { CameraSwitch, CameraSwitches, SwitchStates } from './camera-switches.js';
