// Snapshots, in one place: which frames are worth a JPEG (policy), which JPEG is an object's best (rule),
// how frames become JPEGs and thumbnails (jpeg), and how frame JPEGs become pixels again (jpeg-decode). The
// detector decodes and encodes, the tracker ranks and uploads.
export { SnapshotPolicy, SNAPSHOT_POLICY_DEFAULTS } from './policy.js';
export type { SnapshotDecision, SnapshotFrame, SnapshotPolicyOptions } from './policy.js';
export { isBetterSnapshot, DEFAULT_SNAPSHOT_RULE } from './rule.js';
export type { SnapshotCandidate, SnapshotRule } from './rule.js';
export { SnapshotEncoder, SNAPSHOT_ENCODER_DEFAULTS, makeThumbnail } from './jpeg.js';
export type { SnapshotEncoderOptions } from './jpeg.js';
export { JpegDecodeError, decodeJpegToRgba, loadJpegDecoder } from './jpeg-decode.js';
export type { RgbaPicture } from './jpeg-decode.js';
