import type { Frame } from '@shiriki/bus';

/**
 * What detection needs of a bus frame: its yuv420p picture and motion boxes (none means a tracking refresh:
 * the whole frame). A decoded `Frame` of pixel format yuv420p is one.
 */
export type DetectFrame = Readonly<Pick<Frame, 'width' | 'height' | 'payload' | 'motionBoxes'>> & {
  readonly pixelFormat: 'yuv420p';
};
