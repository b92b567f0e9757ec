// Units and timing shared by every measurement. MB and GB are decimal (10^6, 10^9 bytes).
export const MB = 1e6;

export interface Timed {
  seconds: number;
}

export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function perSecond(amount: number, seconds: number): number {
  return seconds > 0 ? amount / seconds : 0;
}

export const mbPerSecond = (bytes: number, seconds: number): number => perSecond(bytes, seconds) / MB;

/** Runs `measure` `runs` times, one after another, and keeps the fastest run and every run's time. */
export async function bestOf<T extends Timed>(runs: number, measure: () => T | Promise<T>): Promise<{ best: T; runSeconds: number[] }> {
  let best: T | null = null;
  const runSeconds: number[] = [];
  for (let run = 0; run < runs; run++) {
    const result = await measure();
    runSeconds.push(result.seconds);
    if (best === null || result.seconds < best.seconds) best = result;
  }
  if (best === null) throw new Error('bestOf needs at least one run');
  return { best, runSeconds };
}

/** `64MiB`, `1GiB`, or bytes when the size is not a whole MiB. */
export function sizeLabel(bytes: number): string {
  if (bytes % 2 ** 30 === 0) return `${bytes / 2 ** 30}GiB`;
  if (bytes % 2 ** 20 === 0) return `${bytes / 2 ** 20}MiB`;
  return `${bytes}B`;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** Smallest, median (the mean of the middle two for an even count) and largest of some figures. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

export const millisecondsSince = (start: bigint): number => secondsSince(start) * 1000;
