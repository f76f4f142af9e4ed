/**
 * Separable [1 2 1] / 4 blur in both directions (the 3x3 binomial kernel, close to a Gaussian with sigma 0.85),
 * in integer arithmetic with replicated borders. `scratch` holds the horizontal pass (width * height entries).
 */
export function blur3x3(
  source: Uint8Array,
  target: Uint8Array,
  scratch: Uint16Array,
  width: number,
  height: number,
): void {
  const last = width - 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    if (width === 1) {
      scratch[row] = source[row]! * 4;
      continue;
    }
    scratch[row] = source[row]! * 3 + source[row + 1]!;
    for (let x = 1; x < last; x++) {
      const i = row + x;
      scratch[i] = source[i - 1]! + 2 * source[i]! + source[i + 1]!;
    }
    scratch[row + last] = source[row + last - 1]! + source[row + last]! * 3;
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const above = y === 0 ? row : row - width;
    const below = y === height - 1 ? row : row + width;
    for (let x = 0; x < width; x++) {
      // 16 = 4 (horizontal) * 4 (vertical); +8 rounds to nearest.
      target[row + x] = (scratch[above + x]! + 2 * scratch[row + x]! + scratch[below + x]! + 8) >> 4;
    }
  }
}
