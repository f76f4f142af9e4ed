import type { Frame } from '@shiriki/bus';

/**
 * What detection needs of a frame: its picture, yuv420p (a raw bus frame) or rgba (a decoded JPEG bus frame, 4
 * bytes a pixel as the decoder writes them), and motion boxes (none means a tracking refresh: the whole frame).
 */
export type DetectFrame = Readonly<Pick<Frame, 'width' | 'height' | 'payload' | 'motionBoxes'>> & {
  readonly pixelFormat: 'yuv420p' | 'rgba';
};
