// Lines of a stream that arrives in pieces (a decompressor's output), delivered to a LineSink exactly
// as readLinesInRange delivers the lines of a whole file: the same lines, offsets, UTF-8 verdicts,
// oversized-line handling and byte count. Lines that lie inside one piece are handed over in place;
// only a line cut between two pieces is copied, into one carry buffer that grows to the longest line
// (up to maxLineBytes), so memory stays bounded whatever the stream's length.
import { isUtf8 } from 'node:buffer';
import { DEFAULT_MAX_LINE_BYTES, LineSink, RangeReadResult } from './line-reader';
import { isUtf8Range } from './text/utf8-range';

const NEWLINE = 10;
const INITIAL_CARRY = 64 * 1024;

export interface LineSplitterOptions {
  /** Lines longer than this are not delivered; they are counted in `oversizedLines`. */
  maxLineBytes?: number;
  /** Called for a line longer than maxLineBytes, with its stream offset. */
  onOversizedLine?: (offset: number) => void;
}

export class LineSplitter {
  private readonly maxLineBytes: number;
  private carry: Buffer;
  private carryLen = 0;
  /** Stream offset of the carried line's first byte. */
  private carryOffset = 0;
  /** Inside an oversized line: its bytes are counted up to its newline, never kept. */
  private skipping = false;
  /** Stream offset of the next byte pushed. */
  private offset = 0;
  private readonly result: RangeReadResult = { lines: 0, bytes: 0, oversizedLines: 0 };

  constructor(
    private readonly sink: LineSink,
    private readonly options: LineSplitterOptions = {},
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.carry = Buffer.allocUnsafe(Math.min(INITIAL_CARRY, this.maxLineBytes + 1));
  }

  /** Delivers every line the piece completes; the piece is not kept (a carried tail is copied). */
  push(piece: Buffer): void {
    let pos = this.continueLine(piece);
    if (pos < 0) {
      this.offset += piece.length;
      return;
    }
    const last = piece.lastIndexOf(NEWLINE);
    if (last >= pos) {
      // One UTF-8 check for all complete lines of the piece (a '\n' never sits inside a character);
      // line by line only when it fails.
      const allValid = isUtf8(piece.subarray(pos, last + 1));
      while (pos <= last) {
        const nl = piece.indexOf(NEWLINE, pos);
        if (nl - pos > this.maxLineBytes) this.countOversized(this.offset + pos, nl + 1 - pos);
        else {
          this.sink.line(piece, pos, nl, allValid || isUtf8Range(piece, pos, nl), this.offset + pos);
          this.result.lines++;
          this.result.bytes += nl + 1 - pos;
        }
        pos = nl + 1;
      }
    }
    if (pos < piece.length) this.startCarry(piece, pos);
    this.offset += piece.length;
  }

  /** Delivers the last line, which has no newline, and answers the counts of the whole stream. */
  finish(): RangeReadResult {
    if (this.carryLen > 0) {
      this.sink.line(this.carry, 0, this.carryLen, isUtf8Range(this.carry, 0, this.carryLen), this.carryOffset);
      this.result.lines++;
      this.result.bytes += this.carryLen;
      this.carryLen = 0;
    }
    this.skipping = false;
    return { ...this.result };
  }

  /**
   * Finishes the line carried over from earlier pieces (or skips on through an oversized one).
   * Returns where the piece's own lines start, or -1 when the whole piece continued the line.
   */
  private continueLine(piece: Buffer): number {
    if (!this.skipping && this.carryLen === 0) return 0;
    const nl = piece.indexOf(NEWLINE);
    const end = nl === -1 ? piece.length : nl;
    if (this.skipping) {
      this.result.bytes += nl === -1 ? piece.length : nl + 1;
      if (nl === -1) return -1;
      this.skipping = false;
      return nl + 1;
    }
    if (this.carryLen + end > this.maxLineBytes) {
      // Counted now, with the bytes seen so far; the rest are counted as they come.
      this.countOversized(this.carryOffset, this.carryLen);
      this.carryLen = 0;
      this.skipping = true;
      return this.continueLine(piece);
    }
    this.append(piece, 0, end);
    if (nl === -1) return -1;
    this.sink.line(this.carry, 0, this.carryLen, isUtf8Range(this.carry, 0, this.carryLen), this.carryOffset);
    this.result.lines++;
    this.result.bytes += this.carryLen + 1;
    this.carryLen = 0;
    return nl + 1;
  }

  private startCarry(piece: Buffer, from: number): void {
    const offset = this.offset + from;
    if (piece.length - from > this.maxLineBytes) {
      this.countOversized(offset, piece.length - from);
      this.skipping = true;
      return;
    }
    this.carryOffset = offset;
    this.append(piece, from, piece.length);
  }

  private append(piece: Buffer, from: number, to: number): void {
    const needed = this.carryLen + to - from;
    if (needed > this.carry.length) {
      let size = this.carry.length;
      while (size < needed) size *= 2;
      const bigger = Buffer.allocUnsafe(Math.min(size, this.maxLineBytes + 1));
      this.carry.copy(bigger, 0, 0, this.carryLen);
      this.carry = bigger;
    }
    piece.copy(this.carry, this.carryLen, from, to);
    this.carryLen = needed;
  }

  private countOversized(offset: number, bytes: number): void {
    this.options.onOversizedLine?.(offset);
    this.result.lines++;
    this.result.oversizedLines++;
    this.result.bytes += bytes;
  }
}
