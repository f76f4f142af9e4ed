import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pending = new Set<string>();
let exitHookInstalled = false;

/**
 * A fresh directory `<os.tmpdir()>/shiriki-<label>-XXXXXX`. Unless `keep` is set it is also removed when
 * this process exits, so a test that never disposes its server still leaves nothing behind.
 */
export function makeTempDir(label: string, { keep = false }: { keep?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `shiriki-${label}-`));
  if (!keep) {
    installExitHook();
    pending.add(dir);
  }
  return dir;
}

/** Removes a directory made by `makeTempDir` (or any directory) and everything in it. */
export async function removeTempDir(dir: string): Promise<void> {
  pending.delete(dir);
  await rm(dir, { recursive: true, force: true });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const dir of pending) rmSync(dir, { recursive: true, force: true });
  });
}
