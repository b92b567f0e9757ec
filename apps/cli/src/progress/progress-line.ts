// One line of progress for a terminal: a bar, bytes done of total, throughput, ETA, chunks and workers,
// cut to the terminal's width. Pure, so tests pin its exact text.

export interface ProgressSample {
  bytesDone: number;
  bytesTotal: number;
  chunksDone: number;
  chunksTotal: number;
  /** Active workers, or null when not known (yet). */
  workers: number | null;
  /** Since the job was submitted. */
  elapsedMs: number;
}

const MB = 1_000_000;

function megabytes(n: number): string {
  return (n / MB).toFixed(n >= 100 * MB ? 0 : 1);
}

export function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

const MAX_BAR = 30;
const MIN_BAR = 10;

/** `columns` is the terminal's width; the line is always shorter, so it never wraps. */
export function renderProgressLine(s: ProgressSample, columns: number): string {
  const workers = s.workers === null ? '' : `  workers ${s.workers}`;
  if (s.chunksTotal === 0) return `planning the job...${workers}`.slice(0, Math.max(0, columns - 1));
  const fraction = s.bytesTotal === 0 ? s.chunksDone / s.chunksTotal : s.bytesDone / s.bytesTotal;
  const seconds = s.elapsedMs / 1000;
  const rate = seconds > 0 ? s.bytesDone / seconds : 0;
  const eta = rate > 0 ? duration((s.bytesTotal - s.bytesDone) / rate) : '-';
  const figures = [
    `${Math.floor(fraction * 100)}%`.padStart(4),
    `${megabytes(s.bytesDone)}/${megabytes(s.bytesTotal)} MB`,
    `${(rate / MB).toFixed(1)} MB/s`,
    `ETA ${eta}`,
    `chunks ${s.chunksDone}/${s.chunksTotal}`,
  ].join('  ') + workers;
  // The bar's width follows the terminal's alone, so it does not jitter as the figures change length.
  const barWidth = Math.min(MAX_BAR, Math.floor((columns - 1) * 0.2));
  const line = `${bar(fraction, barWidth)} ${figures}`;
  if (barWidth < MIN_BAR || line.length > columns - 1) return figures.slice(0, Math.max(0, columns - 1));
  return line;
}
