import { readFile } from 'node:fs/promises';
import { ModelLoadError } from './errors.js';

/** Reads a labels file: one label per line in class order; trailing blank lines are ignored. */
export async function readLabels(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ModelLoadError(path, 'labels', 'the labels file cannot be read', { cause });
  }
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new ModelLoadError(path, 'labels', 'the labels file is empty');
  const blank = lines.indexOf('');
  if (blank >= 0) {
    throw new ModelLoadError(
      path,
      'labels',
      `line ${blank + 1} of the labels file is blank (every class needs a name)`,
    );
  }
  return lines;
}
