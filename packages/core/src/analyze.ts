// The single-process analyzer: a byte range or a whole file, in one pass. Each line is parsed by the
// selected format's parser into a reused record and folded into one accumulator.
import { closeSync, fstatSync, openSync } from 'node:fs';
import { MetricsAccumulator } from './analytics/metrics-accumulator';
import { AnalyzerError, fileError } from './errors';
import { applogLine, scanApplogLine } from './formats/applog-parser';
import { CONTINUATION, FormatOption, SelectedParser, selectParser } from './formats/format-selector';
import { LineRecord } from './formats/line-record';
import { checkSnapshotOption, checkUnchanged, InputSnapshot } from './input-snapshot';
import { LineReaderOptions, LineSink, readLinesInRange } from './line-reader';
import type { PartialMetrics } from './partial-metrics';
import { MetricsReport, toReport } from './report';
import { checkWindow, TimeWindow } from './time-window';
import { readApplogRange } from './wasm/applog-range-reader';
import { checkScannerChoice, chosenApplogScanner, ScannerChoice } from './wasm/scanner-choice';

export interface AnalyzeOptions extends Omit<LineReaderOptions, 'onOversizedLine' | 'fileEnd'> {
  /** `auto` (default) detects each line's format; or a named format; or `{ nginx: '<log_format>' }`. */
  format?: FormatOption;
  /** Distinct keys per top-k table counted exactly before Space-Saving takes over (default 1000). */
  topCapacity?: number;
  /**
   * The file as the job planned it (statInput). The file then ends at snapshot.size for this read,
   * and a file replaced or cut below that size, before or during the read, fails with input_changed.
   */
  snapshot?: InputSnapshot;
  /**
   * Only lines whose timestamp lies in [sinceMs, untilMs) are analyzed; the others are counted as
   * outside_window and nothing else. A line without a timestamp of its own (blank, continuation,
   * malformed, a record without a time field) is always analyzed: whether it belongs to an event in
   * the window would depend on the lines above it, which another chunk may hold.
   */
  window?: TimeWindow;
  /**
   * What reads `applog` and `auto` lines: `wasm` (the default, a WebAssembly scanner that parses a
   * buffer of lines per call, handing lines that are not applog to auto-detection under `auto`) or
   * `js`; both give identical results, and `js` is used wherever WebAssembly is not available.
   * Unset, the LOGANALYZER_SCANNER environment variable decides.
   */
  scanner?: ScannerChoice;
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;

export function checkOptions(options: AnalyzeOptions): void {
  for (const name of ['bufferSize', 'maxLineBytes', 'topCapacity'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
      throw new AnalyzerError('invalid_argument', `${name} must be a positive integer, got ${value}`);
    }
  }
  if (options.snapshot !== undefined) checkSnapshotOption(options.snapshot);
  if (options.window !== undefined) checkWindow(options.window);
  checkScannerChoice(options.scanner, 'scanner');
}

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
    // Only errors from the file system name the file; anything else is ours and passes through.
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw fileError(filepath, err);
    throw err;
  } finally {
    closeSync(fd);
  }
}

/**
 * What every line sink does first: drops a trailing CR, counts a blank line or one that is not UTF-8.
 * Returns the line's end without the CR, or -1 when the line has been counted already.
 */
function lineToParse(acc: MetricsAccumulator, buf: Buffer, lineStart: number, lineEnd: number, utf8Valid: boolean, fileOffset: number): number {
  if (lineEnd > lineStart && buf[lineEnd - 1] === CR) lineEnd--;
  let i = lineStart;
  while (i < lineEnd && (buf[i] === SPACE || buf[i] === TAB)) i++;
  if (i === lineEnd) {
    acc.addBlank();
    return -1;
  }
  if (!utf8Valid) {
    acc.addMalformed('invalid_utf8', buf, lineStart, lineEnd, fileOffset);
    return -1;
  }
  return lineEnd;
}

/** Parses each line of a range and folds it into the accumulator (a class: see LineSink). */
class RangeAnalyzer implements LineSink {
  private readonly rec = new LineRecord();

  constructor(
    private readonly parse: SelectedParser,
    readonly acc: MetricsAccumulator,
    referenceTimeMs: number,
    private readonly sinceMs: number,
    private readonly untilMs: number,
  ) {
    this.rec.setReferenceTime(referenceTimeMs);
  }

  line(buf: Buffer, lineStart: number, rawEnd: number, utf8Valid: boolean, fileOffset: number): void {
    const lineEnd = lineToParse(this.acc, buf, lineStart, rawEnd, utf8Valid, fileOffset);
    if (lineEnd >= 0) this.parsedLine(buf, lineStart, lineEnd, fileOffset);
  }

  /** A line lineToParse kept (not blank, valid UTF-8, its CR dropped): parsed and folded. */
  parsedLine(buf: Buffer, lineStart: number, lineEnd: number, fileOffset: number): void {
    const acc = this.acc;
    const rec = this.rec;
    rec.reset(buf);
    const outcome = this.parse(buf, lineStart, lineEnd, rec);
    if (outcome === null) {
      // NaN (no timestamp) compares false: such a line is always in the window.
      if (rec.timeMs < this.sinceMs || rec.timeMs >= this.untilMs) acc.addOutsideWindow();
      else acc.addRecord(rec);
    } else if (outcome === CONTINUATION) acc.addContinuation();
    else acc.addMalformed(outcome, buf, lineStart, lineEnd, fileOffset);
  }
}

/**
 * The applog format's fast path: the same lines, malformed ones included, as RangeAnalyzer with the
 * applog parser, but the parsed fields go straight into the counters (addApplogLine) instead of
 * through a LineRecord and the every-format addRecord. Application logs are the main job's format.
 */
class ApplogRangeAnalyzer implements LineSink {
  constructor(
    readonly acc: MetricsAccumulator,
    private readonly sinceMs: number,
    private readonly untilMs: number,
  ) {}

  line(buf: Buffer, lineStart: number, rawEnd: number, utf8Valid: boolean, fileOffset: number): void {
    const acc = this.acc;
    const lineEnd = lineToParse(acc, buf, lineStart, rawEnd, utf8Valid, fileOffset);
    if (lineEnd < 0) return;
    if (!scanApplogLine(buf, lineStart, lineEnd)) return acc.addMalformed('applog', buf, lineStart, lineEnd, fileOffset);
    const f = applogLine;
    if (f.timeMs < this.sinceMs || f.timeMs >= this.untilMs) return acc.addOutsideWindow();
    acc.addApplogLine(buf, f.timeMs, f.levelStart, f.levelEnd, f.messageStart, lineEnd, f.durationUs);
  }
}

/** Which line sink analyzes a range: a format's fast path, or the general one. */
export type PathChoice = 'fast' | 'general';

/**
 * The line sink that analyzes a file's lines into acc. Year-less timestamps (syslog, logcat) are read
 * as of referenceTimeMs, the file's mtime: the planned one when the job has a snapshot, so every chunk
 * of the file, wherever it runs, infers the same year.
 */
export function lineSinkFor(acc: MetricsAccumulator, options: AnalyzeOptions, referenceTimeMs: number, path: PathChoice): LineSink {
  const format = options.format ?? 'auto';
  // Open ends as infinities: the hot path compares two numbers and never asks whether there is a window.
  const sinceMs = options.window?.sinceMs ?? -Infinity;
  const untilMs = options.window?.untilMs ?? Infinity;
  if (path === 'fast' && format === 'applog') return new ApplogRangeAnalyzer(acc, sinceMs, untilMs);
  return new RangeAnalyzer(selectParser(format), acc, referenceTimeMs, sinceMs, untilMs);
}

/**
 * Whether the wasm scanner reads the lines: for `applog`, and for `auto`, where it takes the lines
 * that are applog and hands every other line to auto-detection. An applog line is one in auto too:
 * its timestamp passes looksLikeApplog, and its upper-case level after the time is neither a CRI
 * wrapper's `stdout`/`stderr` nor a Docker line's `{`.
 */
function scansApplog(format: FormatOption): boolean {
  return format === 'applog' || format === 'auto';
}

/** What a pass ends with: the accumulator's result as objects, or as its JSON bytes. */
export type FinishPass<T> = (acc: MetricsAccumulator, bytes: number) => T;
export const asPartial: FinishPass<PartialMetrics> = (acc, bytes) => acc.result(bytes);
/** The partial as JSON bytes, which hold no part of the tables: their arrays go to the next chunk's. */
export const asPartialJson: FinishPass<Uint8Array[]> = (acc, bytes) => {
  const blocks = acc.resultJson(bytes);
  acc.release();
  return blocks;
};

function analyzeFd<T>(fd: number, filepath: string, start: number, size: number, options: AnalyzeOptions, path: PathChoice, finish: FinishPass<T>): T {
  const acc = new MetricsAccumulator({ filepath, topCapacity: options.topCapacity });
  const format = options.format ?? 'auto';
  const scanner = path === 'fast' && scansApplog(format) ? chosenApplogScanner(options.scanner, options.maxLineBytes) : null;
  const referenceTimeMs = (): number => options.snapshot?.mtime_ms ?? fstatSync(fd).mtimeMs;
  if (scanner !== null) {
    const sinceMs = options.window?.sinceMs ?? -Infinity;
    const untilMs = options.window?.untilMs ?? Infinity;
    const bytes = readApplogRange(fd, start, size, scanner, acc, {
      bufferSize: options.bufferSize,
      maxLineBytes: options.maxLineBytes,
      fileEnd: options.snapshot?.size,
      sinceMs,
      untilMs,
      otherLines: format === 'auto' ? new RangeAnalyzer(selectParser('auto'), acc, referenceTimeMs(), sinceMs, untilMs) : null,
    });
    // Null: an `auto` range mostly of other formats, left (with nothing counted) to the JS reader below.
    if (bytes !== null) return finish(acc, bytes);
  }
  const analyzer = lineSinkFor(acc, options, referenceTimeMs(), path);
  const read = readLinesInRange(fd, start, size, analyzer, {
    bufferSize: options.bufferSize,
    maxLineBytes: options.maxLineBytes,
    fileEnd: options.snapshot?.size,
    // Too long to be a log event we can parse: counted, never buffered whole.
    onOversizedLine: (offset) => acc.addMalformed('oversized', null, 0, 0, offset),
  });
  return finish(acc, read.bytes);
}

/**
 * Analyzes [start, start + size) of the open file, or the whole file when size is null. With a
 * snapshot, the file must be the planned one before the read and still as long after it.
 */
function analyzeOpenFile<T>(fd: number, filepath: string, start: number, size: number | null, options: AnalyzeOptions, path: PathChoice, finish: FinishPass<T>): T {
  const snapshot = options.snapshot;
  if (snapshot === undefined) return analyzeFd(fd, filepath, start, size ?? fstatSync(fd).size, options, path, finish);
  checkUnchanged(fd, filepath, snapshot);
  const metrics = analyzeFd(fd, filepath, start, size ?? snapshot.size, options, path, finish);
  // A cut during the read shortens the lines read without any error: only the size can tell.
  checkUnchanged(fd, filepath, snapshot);
  return metrics;
}

/** Metrics of the lines that the byte range [start, start + size) owns (see line-reader.ts). */
export function analyzeRange(filepath: string, start: number, size: number, options: AnalyzeOptions = {}): PartialMetrics {
  checkOptions(options);
  return withFile(filepath, (fd) => analyzeOpenFile(fd, filepath, start, size, options, 'fast', asPartial));
}

/**
 * analyzeRange's partial as jsonBlocks writes it (UTF-8 JSON in blocks of their own ArrayBuffers),
 * for a result that leaves the thread: its largest objects are never made (resultJson).
 */
export function analyzeRangeJson(filepath: string, start: number, size: number, options: AnalyzeOptions = {}): Uint8Array[] {
  checkOptions(options);
  return withFile(filepath, (fd) => analyzeOpenFile(fd, filepath, start, size, options, 'fast', asPartialJson));
}

/** analyzeRange through the general path only, for tests that hold fast paths to its results. */
export function analyzeRangeOnGeneralPath(filepath: string, start: number, size: number, options: AnalyzeOptions = {}): PartialMetrics {
  checkOptions(options);
  return withFile(filepath, (fd) => analyzeOpenFile(fd, filepath, start, size, options, 'general', asPartial));
}

/** The partial metrics of a whole file (up to snapshot.size, given one) in one pass. */
export function analyzeFilePartial(filepath: string, options: AnalyzeOptions = {}): PartialMetrics {
  checkOptions(options);
  return withFile(filepath, (fd) => analyzeOpenFile(fd, filepath, 0, null, options, 'fast', asPartial));
}

/** The report of a whole file in one pass: the reference every distributed run must equal. */
export async function analyzeFile(filepath: string, options: AnalyzeOptions = {}): Promise<MetricsReport> {
  return toReport(analyzeFilePartial(filepath, options), options.window);
}
