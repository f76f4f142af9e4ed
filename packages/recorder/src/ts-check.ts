import { open } from 'node:fs/promises';

const PACKET = 188;
const SYNC = 0x47;

/**
 * Why an MPEG-TS segment cannot be used (`missing`, `empty`, `corrupt`), or undefined when every packet
 * starts with the sync byte. A truncated last packet (a segment cut off by a crash) is accepted.
 */
export async function tsSegmentProblem(path: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return 'missing';
  }
  try {
    const { size } = await handle.stat();
    if (size < PACKET) return 'empty';
    const buffer = Buffer.allocUnsafe(PACKET * 2048);
    let offset = 0;
    while (offset + PACKET <= size) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      const whole = bytesRead - (bytesRead % PACKET);
      for (let i = 0; i < whole; i += PACKET) if (buffer[i] !== SYNC) return 'corrupt';
      if (whole === 0) break;
      offset += whole;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}
