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
