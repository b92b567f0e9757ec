// Out-of-order copies of an input file: exactly its lines, reordered the ways real logs come out of
// order, so that in order and out of order are the same content. Two orderings:
// - shuffled within each hour: the lines of each hour (by the timestamp at the start of the line; a
//   line without one, or naming an earlier hour, stays in the current one) in a random order, as
//   several sources or threads writing into one file interleave;
// - request end: access lines in the order their requests ended (`[time]` + `$request_time`), as
//   Apache and nginx write them, so `[time]`, the request's start, runs backwards by up to a duration.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { Random } from './random';

export type Reordering = 'shuffled-within-hour' | 'request-end';

const BLOCK_BYTES = 8 << 20;
const NEWLINE = 0x0a;

/** Buffered whole-line writes to a file. */
class LineWriter {
  private readonly batch = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  bytes = 0;
  lines = 0;

  constructor(private readonly fd: number) {}

  write(line: Buffer): void {
    if (this.used + line.length > this.batch.length) this.flush();
    if (line.length > this.batch.length) writeSync(this.fd, line);
    else this.used += line.copy(this.batch, this.used);
    this.bytes += line.length;
    this.lines++;
  }

  flush(): void {
    if (this.used > 0) writeSync(this.fd, this.batch, 0, this.used);
    this.used = 0;
  }
}

/** Visits each line of a file (with its newline, if it has one) with its byte offset; the buffer is reused. */
function forEachLine(path: string, visit: (block: Buffer, start: number, end: number, offset: number) => void): void {
  const fd = openSync(path, 'r');
  let block = Buffer.allocUnsafe(BLOCK_BYTES);
  let carried = 0;
  let blockOffset = 0;
  try {
    for (;;) {
      if (carried === block.length) {
        const bigger = Buffer.allocUnsafe(block.length * 2);
        block.copy(bigger, 0, 0, carried);
        block = bigger;
      }
      const read = readSync(fd, block, carried, block.length - carried, null);
      const filled = carried + read;
      let start = 0;
      for (let nl = block.indexOf(NEWLINE, start); nl !== -1 && nl < filled; nl = block.indexOf(NEWLINE, start)) {
        visit(block, start, nl + 1, blockOffset + start);
        start = nl + 1;
      }
      if (read === 0) {
        if (start < filled) visit(block, start, filled, blockOffset + start);
        return;
      }
      block.copy(block, 0, start, filled);
      blockOffset += start;
      carried = filled - start;
    }
  } finally {
    closeSync(fd);
  }
}

const isDigits = (b: Buffer, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) if (b[i] < 0x30 || b[i] > 0x39) return false;
  return true;
};

/** `YYYY-MM-DD HH` of a line starting with a plausible applog timestamp, as a number; -1 for none. */
function applogHour(b: Buffer, s: number, e: number): number {
  if (e - s < 13 || b[s + 4] !== 0x2d || b[s + 7] !== 0x2d || b[s + 10] !== 0x20 || !isDigits(b, s, s + 4) || !isDigits(b, s + 5, s + 7) || !isDigits(b, s + 8, s + 10) || !isDigits(b, s + 11, s + 13)) return -1;
  const n = (i: number): number => (b[i] - 0x30) * 10 + (b[i + 1] - 0x30);
  const month = n(s + 5);
  const day = n(s + 8);
  const hour = n(s + 11);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23) return -1;
  return (((n(s) * 100 + n(s + 2)) * 13 + month) * 32 + day) * 24 + hour;
}

/** Writes the lines of `from` to `to`, each hour's lines in a seeded random order. */
function shuffleWithinHours(from: string, out: LineWriter, seed: number): void {
  const random = new Random(seed);
  // Pass 1: where each hour's lines start and end in the file (an hour's lines are contiguous there).
  const lineStarts: number[] = [];
  const groupEnds: number[] = [];
  let hour = -1;
  let end = 0;
  forEachLine(from, (block, s, e, offset) => {
    const h = applogHour(block, s, e);
    // Hours only move on in a file in time order; a line naming an earlier hour (the generator's
    // nasty lines have a fixed date) stays in the current one.
    if (h > hour) {
      if (lineStarts.length > 0) groupEnds.push(lineStarts.length);
      hour = h;
    }
    lineStarts.push(offset);
    end = offset + (e - s);
  });
  groupEnds.push(lineStarts.length);
  lineStarts.push(end);
  // Pass 2: each hour read whole, its lines permuted (Fisher–Yates) and written.
  const fd = openSync(from, 'r');
  try {
    let first = 0;
    for (const last of groupEnds) {
      const base = lineStarts[first];
      const bytes = Buffer.allocUnsafe(lineStarts[last] - base);
      readSync(fd, bytes, 0, bytes.length, base);
      const order = Array.from({ length: last - first }, (_, i) => first + i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = random.int(0, i);
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const line of order) out.write(bytes.subarray(lineStarts[line] - base, lineStarts[line + 1] - base));
      first = last;
    }
  } finally {
    closeSync(fd);
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A line's `[dd/Mon/yyyy:HH:MM:SS +0000]` (the bench writes +0000 only) in epoch ms, or NaN. */
function clfStartMs(line: string): number {
  const open = line.indexOf('[');
  if (open === -1 || line.charCodeAt(open + 27) !== 0x5d) return NaN;
  const t = line.slice(open + 1, open + 27);
  const month = MONTHS.indexOf(t.slice(3, 6));
  return Date.UTC(Number(t.slice(7, 11)), month, Number(t.slice(0, 2)), Number(t.slice(12, 14)), Number(t.slice(15, 17)), Number(t.slice(18, 20)));
}

/** A line's trailing `$request_time` (seconds) in ms, or 0. */
function requestTimeMs(line: string): number {
  const seconds = Number(line.slice(line.lastIndexOf(' ') + 1));
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : 0;
}

interface InFlight {
  endMs: number;
  index: number;
  line: Buffer;
}

/** A binary min-heap of requests in flight, by end time, then by their place in the file. */
class EndHeap {
  private readonly items: InFlight[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): InFlight {
    return this.items[0];
  }

  private before(a: InFlight, b: InFlight): boolean {
    return a.endMs < b.endMs || (a.endMs === b.endMs && a.index < b.index);
  }

  push(item: InFlight): void {
    const items = this.items;
    let i = items.push(item) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): InFlight {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.before(items[left], items[smallest])) smallest = left;
        if (right < items.length && this.before(items[right], items[smallest])) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest], items[i]];
        i = smallest;
      }
    }
    return top;
  }
}

/**
 * Writes access lines in the order their requests ended. The file is in start order, so a request can
 * be written once the next line starts at or after its end: no later line can end before it.
 */
function inRequestEndOrder(from: string, out: LineWriter): void {
  const inFlight = new EndHeap();
  let index = 0;
  let startMs = -Infinity;
  forEachLine(from, (block, s, e) => {
    const line = Buffer.from(block.subarray(s, e));
    const text = line.toString('latin1', 0, line.length - (line[line.length - 1] === NEWLINE ? 1 : 0));
    const start = clfStartMs(text);
    // A line without a time of its own (none in the bench's files) stays with the one before it.
    if (!Number.isNaN(start)) startMs = start;
    while (inFlight.size > 0 && inFlight.peek().endMs <= startMs) out.write(inFlight.pop().line);
    inFlight.push({ endMs: startMs + requestTimeMs(text), index: index++, line });
  });
  while (inFlight.size > 0) out.write(inFlight.pop().line);
}

/** Writes `from`'s lines reordered into `to`; returns what was written. */
export function writeReordered(from: string, to: string, reordering: Reordering, seed: number): { bytes: number; lines: number } {
  const fd = openSync(to, 'w');
  const out = new LineWriter(fd);
  try {
    if (reordering === 'shuffled-within-hour') shuffleWithinHours(from, out, seed);
    else inRequestEndOrder(from, out);
    out.flush();
  } finally {
    closeSync(fd);
  }
  return { bytes: out.bytes, lines: out.lines };
}
