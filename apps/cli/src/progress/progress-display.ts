// The progress line on stderr while a job runs, redrawn in place; only on a terminal (a pipe or a file
// gets nothing), and erased before the report is printed.
import type { JobProgressUpdate } from '@loganalyzer/contract';
import { ProgressSample, renderProgressLine } from './progress-line';

/** What is used of a tty.WriteStream; tests pass a fake. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Erase from the cursor to the end of the line. */
const ERASE_LINE = '\x1b[K';

export class ProgressDisplay {
  private shown = '';

  private constructor(
    private readonly stream: ProgressStream,
    private readonly startedAt: number,
    private readonly now: () => number,
  ) {}

  /** Null when the stream is not a terminal: progress is for people watching. */
  static on(stream: ProgressStream, now: () => number = Date.now): ProgressDisplay | null {
    return stream.isTTY ? new ProgressDisplay(stream, now(), now) : null;
  }

  update(p: JobProgressUpdate, workers: number | null): void {
    const sample: ProgressSample = {
      bytesDone: p.bytes_done,
      bytesTotal: p.bytes_total,
      chunksDone: p.chunks_done,
      chunksTotal: p.chunks_total,
      workers,
      elapsedMs: this.now() - this.startedAt,
    };
    const line = renderProgressLine(sample, this.stream.columns || 80);
    if (line === this.shown) return;
    this.shown = line;
    this.stream.write(`\r${line}${ERASE_LINE}`);
  }

  /** Leaves the cursor at the start of an empty line. */
  finish(): void {
    if (this.shown === '') return;
    this.shown = '';
    this.stream.write(`\r${ERASE_LINE}`);
  }
}
