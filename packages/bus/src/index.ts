export { connectBus, CONNECT_DEFAULTS } from './connect.js';
export type { Bus, BusConnectionOptions, ConnectBusContext } from './connect.js';
export {
  DEFAULT_SUBJECT_PREFIX,
  MOTION_ALERT_KIND,
  SUBJECT_KINDS,
  cameraToken,
  createSubjects,
  inferSubjectKind,
  isValidCameraName,
  labelToken,
  parseSubject,
} from './subjects.js';
export type { BucketNames, ParsedSubject, StreamNames, SubjectKind, Subjects } from './subjects.js';
export {
  FRAME_MAGIC,
  PREVIOUS_SEQUENCE_HEADER,
  FRAME_VERSION,
  decodeFrame,
  encodeFrame,
  encodeFrameHeaderInto,
  frameHeaderSize,
  frameMessageSize,
} from './frame-codec.js';
export type { Frame, FrameHeader } from './frame-codec.js';
export {
  MAX_JPEG_PAYLOAD,
  PIXEL_FORMAT_CODES,
  payloadProblem,
  pixelFormatFromCode,
  pixelFormatSize,
} from './pixel-format.js';
export type { PixelFormat } from './pixel-format.js';
export { decodeJson, encodeJson } from './json-codec.js';
export { CameraSwitchBoard, SwitchConflictError, parseSwitchPayload } from './camera-switches.js';
export {
  AlertSchema,
  CAMERA_SWITCHES,
  CameraNameSchema,
  CameraSwitchesSchema,
  CameraStatusSchema,
  ClipReadySchema,
  CountSchema,
  DetectionSchema,
  DetectionsSchema,
  EpochMsSchema,
  EventSnapshotSchema,
  FractionSchema,
  LabelSchema,
  MotionAlertSchema,
  MotionNotificationSchema,
  ObjectAlertSchema,
  ObjectEventSchema,
  PixelBoxSchema,
  ServiceStatusSchema,
  alertSubjectKind,
} from './messages/index.js';
export type {
  Alert,
  CameraStatus,
  CameraSwitch,
  CameraSwitches,
  SwitchStates,
  ClipReady,
  Detection,
  Detections,
  EventSnapshot,
  MotionAlert,
  ObjectAlert,
  ObjectEvent,
  PixelBox,
  ServiceStatus,
} from './messages/index.js';
export { SUBSCRIBE_DEFAULTS, subscribeDecoded, subscribeJson } from './subscribe.js';
export type { MessageHandler, SafeSubscribeOptions, SafeSubscription } from './subscribe.js';
export { followJson } from './follow.js';
export type { FollowStreamOptions, StreamFollower } from './follow.js';
export {
  HANDLER_ERRORS_METRIC,
  INVALID_MESSAGES_METRIC,
  MemoryCounter,
  createBusMetrics,
} from './metrics.js';
export type {
  BusMetrics,
  MemoryBusMetrics,
  HandlerErrorLabels,
  InvalidMessageLabels,
  LabeledCounter,
} from './metrics.js';
export { DEFAULT_STREAM_OPTIONS, defaultStreams } from './streams.js';
export type { DefaultStreamOptions, StreamSpec } from './streams.js';
export { KV_DEFAULTS, ensureConsumer, ensureKv, ensureStream } from './jetstream.js';
export type { ConsumerSpec, EnsureAction, EnsureResult, KvSpec } from './jetstream.js';
export {
  BusConnectError,
  DecodeError,
  EncodeError,
  FrameDecodeError,
  FrameEncodeError,
  InvalidSubjectTokenError,
  JetStreamConfigConflictError,
} from './errors.js';
export type { DecodeErrorReason, FrameErrorReason, MessageIssue } from './errors.js';
export { SNAPSHOT_HEADERS, readSnapshotHeaders, snapshotHeaders } from './snapshot-headers.js';
export type { SnapshotMeta } from './snapshot-headers.js';
