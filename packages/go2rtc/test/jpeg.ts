/** Width and height from a baseline or progressive JPEG's SOF marker, walking the segments from SOI. */
export function jpegDimensions(jpeg: Buffer): { width: number; height: number } {
  if (jpeg.readUInt16BE(0) !== 0xffd8) throw new Error('not a JPEG: no SOI marker');
  let offset = 2;
  while (offset + 4 <= jpeg.length) {
    if (jpeg[offset] !== 0xff) throw new Error(`no JPEG marker at byte ${offset}`);
    const marker = jpeg[offset + 1]!;
    const length = jpeg.readUInt16BE(offset + 2);
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), carry precision, height, width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: jpeg.readUInt16BE(offset + 5), width: jpeg.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  throw new Error('no SOF marker before the end of the JPEG');
}
