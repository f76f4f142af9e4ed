/**
 * The HTTP API speaks Unix epoch seconds (floats), as Frigate's does and its clients expect; the bus and
 * the index keep milliseconds. These two functions are the only place the units meet.
 */
export const toSeconds = (ms: number): number => Math.round(ms) / 1000;
export const toMs = (seconds: number): number => Math.round(seconds * 1000);
