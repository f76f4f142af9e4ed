/** The lease bucket could not be created or opened. */
export class LeaseBucketError extends Error {
  override readonly name = 'LeaseBucketError';
  constructor(
    readonly bucket: string,
    options?: { cause?: unknown },
  ) {
    super(`could not open lease bucket ${bucket}`, options);
  }
}
