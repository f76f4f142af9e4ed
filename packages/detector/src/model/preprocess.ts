import type { Region } from './regions.js';
import type { ModelSpec } from './spec.js';
import type { DetectFrame } from './detect-frame.js';

/** Value of letterbox padding, as in the YOLOX and Ultralytics reference pre-processing. */
export const PAD_VALUE = 114;

export type InputFormat = Pick<ModelSpec, 'width' | 'height' | 'layout' | 'pixelFormat' | 'dtype' | 'scale'>;

/**
 * Writes a region of a yuv420p or rgba frame into a model input tensor in one pass: letterboxed (aspect kept,
 * image at the top-left, padding 114), converted (yuv420p with integer BT.601 limited-range arithmetic) to the
 * model's layout, channel order and value range. It writes into any array from {@link Preprocessor.allocate}, so a caller can
 * fill one tensor while the model reads another.
 *
 * Sampling is nearest-neighbour. The detector shrinks frames (768 -> 416 is a factor of 1.85) and the
 * networks are trained with random resizing, blur and JPEG noise, so the aliasing of nearest sampling changes
 * scores by a few hundredths at most (the person-walk model tests hold it to the reference), while bilinear
 * sampling of Y, U and V would cost about four times the memory reads in the detector's only JS hot loop.
 */
export class Preprocessor {
  readonly dims: readonly number[];
  private readonly lumaX: Int32Array;
  private readonly chromaX: Int32Array;
  private readonly pixelStep: number;
  /** Offsets of R, G and B from a pixel's first element. */
  private readonly offsetR: number;
  private readonly offsetG: number;
  private readonly offsetB: number;
  private readonly pad: number;
  private readonly tables: ConversionTables;
  /** An 8-bit channel value in the model's value range and element type. */
  private readonly channelValue: Float32Array | Uint8Array;

  constructor(readonly format: InputFormat) {
    const { width, height, layout, pixelFormat, dtype, scale } = format;
    this.dims = layout === 'nchw' ? [1, 3, height, width] : [1, height, width, 3];
    this.lumaX = new Int32Array(width);
    this.chromaX = new Int32Array(width);
    const channelStep = layout === 'nchw' ? width * height : 1;
    this.pixelStep = layout === 'nchw' ? 1 : 3;
    const [r, g, b] = pixelFormat === 'rgb' ? [0, 1, 2] : [2, 1, 0];
    this.offsetR = r * channelStep;
    this.offsetG = g * channelStep;
    this.offsetB = b * channelStep;
    const factor = dtype === 'float32' && scale === '0-1' ? 1 / 255 : 1;
    this.pad = PAD_VALUE * factor;
    this.tables = conversionTables(factor, dtype);
    this.channelValue = dtype === 'uint8' ? new Uint8Array(256) : new Float32Array(256);
    for (let v = 0; v < 256; v++) this.channelValue[v] = v * factor;
  }

  /** A new, zeroed input tensor array of this format's size and element type. */
  allocate(): Float32Array | Uint8Array {
    const { width, height, dtype } = this.format;
    const size = width * height * 3;
    return dtype === 'uint8' ? new Uint8Array(size) : new Float32Array(size);
  }

  /**
   * Letterboxes `region` of `frame` into `data` (an array from {@link allocate}) and returns the scale from
   * frame pixels to model pixels (model x = (frame x - region.x) * scale).
   */
  letterbox(
    frame: Pick<DetectFrame, 'width' | 'height' | 'payload'> & { pixelFormat?: DetectFrame['pixelFormat'] },
    region: Region,
    data: Float32Array | Uint8Array,
  ): number {
    if (data.length !== this.format.width * this.format.height * 3)
      throw new RangeError('the target is not an input tensor of this format');
    const { width: W, height: H } = this.format;
    const scale = Math.min(W / region.width, H / region.height);
    const contentW = Math.min(W, Math.round(region.width * scale));
    const contentH = Math.min(H, Math.round(region.height * scale));
    if (frame.pixelFormat === 'rgba') this.sampleRgba(frame, region, data, scale, contentW, contentH);
    else this.sampleYuv(frame, region, data, scale, contentW, contentH);
    this.fillPadding(data, contentW, contentH);
    return scale;
  }

  /** Nearest source column of each output column of the content. */
  private sampleColumns(region: Region, scale: number, contentW: number): Int32Array {
    const lumaX = this.lumaX;
    const maxX = region.x + region.width - 1;
    for (let ox = 0; ox < contentW; ox++)
      lumaX[ox] = Math.min(maxX, region.x + Math.floor((ox + 0.5) / scale));
    return lumaX;
  }

  private sampleRgba(
    frame: Pick<DetectFrame, 'width' | 'payload'>,
    region: Region,
    data: Float32Array | Uint8Array,
    scale: number,
    contentW: number,
    contentH: number,
  ): void {
    const W = this.format.width;
    const columns = this.sampleColumns(region, scale, contentW);
    const payload = frame.payload;
    const step = this.pixelStep;
    const oR = this.offsetR;
    const oG = this.offsetG;
    const oB = this.offsetB;
    const value = this.channelValue;
    const maxY = region.y + region.height - 1;
    for (let oy = 0; oy < contentH; oy++) {
      const sy = Math.min(maxY, region.y + Math.floor((oy + 0.5) / scale));
      const row = sy * frame.width;
      let out = oy * W * step;
      for (let ox = 0; ox < contentW; ox++, out += step) {
        const at = (row + columns[ox]!) * 4;
        data[out + oR] = value[payload[at]!]!;
        data[out + oG] = value[payload[at + 1]!]!;
        data[out + oB] = value[payload[at + 2]!]!;
      }
    }
  }

  private sampleYuv(
    frame: Pick<DetectFrame, 'width' | 'height' | 'payload'>,
    region: Region,
    data: Float32Array | Uint8Array,
    scale: number,
    contentW: number,
    contentH: number,
  ): void {
    const W = this.format.width;
    const frameW = frame.width;
    const lumaX = this.sampleColumns(region, scale, contentW);
    const chromaX = this.chromaX;
    for (let ox = 0; ox < contentW; ox++) chromaX[ox] = lumaX[ox]! >> 1;
    const payload = frame.payload;
    const chromaW = frameW >> 1;
    const uPlane = frameW * frame.height;
    const vPlane = uPlane + chromaW * (frame.height >> 1);
    const step = this.pixelStep;
    const oR = this.offsetR;
    const oG = this.offsetG;
    const oB = this.offsetB;
    const { lumaTerm, redV, greenU, greenV, blueU, clampScaled } = this.tables;
    const maxY = region.y + region.height - 1;
    for (let oy = 0; oy < contentH; oy++) {
      const sy = Math.min(maxY, region.y + Math.floor((oy + 0.5) / scale));
      const lumaRow = sy * frameW;
      const uRow = uPlane + (sy >> 1) * chromaW;
      const vRow = vPlane + (sy >> 1) * chromaW;
      let out = oy * W * step;
      for (let ox = 0; ox < contentW; ox++, out += step) {
        const c = lumaTerm[payload[lumaRow + lumaX[ox]!]!]!;
        const cx = chromaX[ox]!;
        const u = payload[uRow + cx]!;
        const v = payload[vRow + cx]!;
        data[out + oR] = clampScaled[(c + redV[v]!) >> 8]!;
        data[out + oG] = clampScaled[(c + greenU[u]! + greenV[v]!) >> 8]!;
        data[out + oB] = clampScaled[(c + blueU[u]!) >> 8]!;
      }
    }
  }

  /** Fills everything right of and below the content; every channel pads with the same value. */
  private fillPadding(data: Float32Array | Uint8Array, contentW: number, contentH: number): void {
    const { width: W, height: H, layout } = this.format;
    const pad = this.pad;
    if (layout === 'nhwc') {
      if (contentW < W) {
        for (let y = 0; y < contentH; y++) data.fill(pad, (y * W + contentW) * 3, (y + 1) * W * 3);
      }
      data.fill(pad, contentH * W * 3);
      return;
    }
    const plane = W * H;
    for (let c = 0; c < 3; c++) {
      const base = c * plane;
      if (contentW < W) {
        for (let y = 0; y < contentH; y++) data.fill(pad, base + y * W + contentW, base + (y + 1) * W);
      }
      data.fill(pad, base + contentH * W, base + plane);
    }
  }
}

/**
 * BT.601 limited range in 8-bit fixed point (R = (298 (Y - 16) + 409 (V - 128) + 128) >> 8, ...), with every
 * product looked up per byte value. Sums are offset so that `>> 8` of any reachable sum is a valid index into
 * `clampScaled`, which clamps to 0-255 and applies the output scale in one read.
 */
interface ConversionTables {
  lumaTerm: Int32Array;
  redV: Int32Array;
  greenU: Int32Array;
  greenV: Int32Array;
  blueU: Int32Array;
  clampScaled: Float32Array | Uint8Array;
}

/** Added (times 256) to every sum: the most negative channel value is (298 * -16 - 516 * 128) >> 8 = -277. */
const CLAMP_OFFSET = 512;

function conversionTables(factor: number, dtype: InputFormat['dtype']): ConversionTables {
  const lumaTerm = new Int32Array(256);
  const redV = new Int32Array(256);
  const greenU = new Int32Array(256);
  const greenV = new Int32Array(256);
  const blueU = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    lumaTerm[i] = 298 * (i - 16) + 128 + CLAMP_OFFSET * 256;
    redV[i] = 409 * (i - 128);
    greenU[i] = -100 * (i - 128);
    greenV[i] = -208 * (i - 128);
    blueU[i] = 516 * (i - 128);
  }
  const clampScaled =
    dtype === 'uint8' ? new Uint8Array(2 * CLAMP_OFFSET + 512) : new Float32Array(2 * CLAMP_OFFSET + 512);
  for (let i = 0; i < clampScaled.length; i++) {
    const v = i - CLAMP_OFFSET;
    clampScaled[i] = (v < 0 ? 0 : v > 255 ? 255 : v) * factor;
  }
  return { lumaTerm, redV, greenU, greenV, blueU, clampScaled };
}
