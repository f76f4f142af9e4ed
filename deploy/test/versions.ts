import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@shiriki/testing';

/** The pins of tools/versions.env (`NAME=value` lines), which scripts/images.sh tags the server images with. */
export function pinnedVersions(): Record<string, string> {
  const text = readFileSync(join(repoRoot(), 'tools/versions.env'), 'utf8');
  return Object.fromEntries(
    [...text.matchAll(/^([A-Z0-9_]+)=(\S+)$/gm)].map((match) => [match[1]!, match[2]!] as const),
  );
}
