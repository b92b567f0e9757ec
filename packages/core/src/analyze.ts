// The single-process analyzer: a byte range or a whole file, in one pass.
import { closeSync, fstatSync, openSync } from 'node:fs';
import { ApplogAccumulator } from './applog-accumulator';
import { fileError } from './errors';
import { LineReaderOptions, readLinesInRange } from './line-reader';
import { MetricsReport, PartialMetrics, toReport } from './metrics';

export type AnalyzeOptions = Omit<LineReaderOptions, 'onOversizedLine'>;

function withFile<T>(filepath: string, use: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(filepath, 'r');
  } catch (err) {
    throw fileError(filepath, err);
  }
  try {
    return use(fd);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw fileError(filepath, err);
    throw err;
  } finally {
    closeSync(fd);
  }
}

function analyzeFd(fd: number, start: number, size: number, options: AnalyzeOptions): PartialMetrics {
  const acc = new ApplogAccumulator();
  const read = readLinesInRange(fd, start, size, (buf, s, e, valid) => acc.addLine(buf, s, e, valid), {
    ...options,
    // Too long to be a log event we can parse: counted, never buffered whole.
    onOversizedLine: () => acc.addMalformed(),
  });
  return acc.result(read.bytes);
}

/** Metrics of the lines that the byte range [start, start + size) owns (see line-reader.ts). */
export function analyzeRange(filepath: string, start: number, size: number, options: AnalyzeOptions = {}): PartialMetrics {
  return withFile(filepath, (fd) => analyzeFd(fd, start, size, options));
}

/** The partial metrics of a whole file in one pass. */
export function analyzeFilePartial(filepath: string, options: AnalyzeOptions = {}): PartialMetrics {
  return withFile(filepath, (fd) => analyzeFd(fd, 0, fstatSync(fd).size, options));
}

/** The report of a whole file in one pass: the reference every distributed run must equal. */
export async function analyzeFile(filepath: string, options: AnalyzeOptions = {}): Promise<MetricsReport> {
  return toReport(analyzeFilePartial(filepath, options));
}
