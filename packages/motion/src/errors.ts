/** A motion option is out of range or malformed; `option` names the offending field. */
export class InvalidMotionOptionError extends Error {
  override readonly name = 'InvalidMotionOptionError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`Invalid motion option ${option}: ${message}`);
  }
}

/** A frame handed to the detector is smaller than the dimensions the detector was built for. */
export class FrameSizeError extends Error {
  override readonly name = 'FrameSizeError';
  constructor(
    readonly expectedBytes: number,
    readonly actualBytes: number,
  ) {
    super(`Luma plane needs at least ${expectedBytes} bytes, got ${actualBytes}.`);
  }
}
