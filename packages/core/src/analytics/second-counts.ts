// Request counts per epoch second, for the peak second. Counts live in pages of 1024 consecutive
// seconds (an index into a typed array, no hashing per line), pages in a map by page number: memory
// follows the seconds that have requests, so a chunk spanning a month holds ~2,500 pages of 4 KiB,
// and a stray timestamp years away costs one page, not a stretched array.
//
// Serialized as one string of "Δsecond:count" entries, the first Δ the epoch second itself and a Δ
// of 1 left empty ("1706091332:3,:5,7:1" = 3 requests in that second, 5 in the next, 1 seven later):
// a chunk can hold millions of seconds, and a [second, count] array per second made the partial's
// largest and slowest part.

import { AsciiWriter } from '../text/ascii-writer';
import { decimalEnd, readDecimal } from '../text/decimal-scan';

const PAGE_BITS = 10;
const PAGE_SIZE = 1 << PAGE_BITS;
/** Slots of the recent-page cache, a power of two: 16 pages are ~4.6 hours of seconds. */
const RECENT_PAGES = 16;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;

export class SecondCounts {
  private readonly pages = new Map<number, Uint32Array>();
  /**
   * Pages added to lately, by page number & (RECENT_PAGES - 1), and those numbers (NaN: empty slot).
   * Lines in time order hit one slot; lines out of order by up to hours hit a few, and skip the map.
   */
  private readonly recentPages: Array<Uint32Array | null> = new Array<Uint32Array | null>(RECENT_PAGES).fill(null);
  private readonly recentNumbers = new Float64Array(RECENT_PAGES).fill(NaN);

  add(second: number, n: number): void {
    const pageNumber = Math.floor(second / PAGE_SIZE);
    const slot = pageNumber & (RECENT_PAGES - 1);
    let page = this.recentPages[slot];
    if (this.recentNumbers[slot] !== pageNumber || page === null) {
      page = this.pages.get(pageNumber) ?? null;
      if (page === null) {
        page = new Uint32Array(PAGE_SIZE);
        this.pages.set(pageNumber, page);
      }
      this.recentNumbers[slot] = pageNumber;
      this.recentPages[slot] = page;
    }
    page[second - pageNumber * PAGE_SIZE] += n;
  }

  /** Visits the non-zero seconds in time order. */
  forEach(visit: (second: number, n: number) => void): void {
    const numbers = [...this.pages.keys()].sort((a, b) => a - b);
    for (const pageNumber of numbers) {
      const page = this.pages.get(pageNumber)!;
      const base = pageNumber * PAGE_SIZE;
      for (let i = 0; i < PAGE_SIZE; i++) if (page[i] !== 0) visit(base + i, page[i]);
    }
  }

  serialize(): string {
    // Written as ASCII bytes and decoded once: a chunk can hold millions of seconds, and a string per
    // entry, then a join, was ~9% of a pass.
    const out = new AsciiWriter();
    let previous = NaN;
    for (const pageNumber of [...this.pages.keys()].sort((a, b) => a - b)) {
      const page = this.pages.get(pageNumber)!;
      const base = pageNumber * PAGE_SIZE;
      for (let i = 0; i < PAGE_SIZE; i++) {
        const n = page[i];
        if (n === 0) continue;
        const second = base + i;
        if (Number.isNaN(previous)) {
          out.integer(second);
        } else {
          out.byte(COMMA);
          if (second - previous !== 1) out.integer(second - previous);
        }
        out.byte(COLON);
        out.integer(n);
        previous = second;
      }
    }
    return out.text();
  }

  /** Adds the counts of a serialized SecondCounts; throws, adding nothing, unless the text is one. */
  addSerialized(encoded: string): void {
    this.addChecked(checkSeconds(encoded));
  }

  /** Adds the counts of a text checkSeconds has passed: the check is not repeated, and nothing throws. */
  addChecked(checked: CheckedSeconds): void {
    scanSeconds(checked, (second, n) => this.add(second, n));
  }

  /** Non-zero [second, count] pairs in time order. */
  entries(): Array<[number, number]> {
    const pairs: Array<[number, number]> = [];
    this.forEach((second, n) => pairs.push([second, n]));
    return pairs;
  }
}

/** The shape serialize() writes; the first second may be negative, gaps are positive. */
export const SERIALIZED_SECONDS = /^(?:-?\d+:[1-9]\d*(?:,(?:[1-9]\d*)?:[1-9]\d*)*)?$/;

declare const checkedSecondsBrand: unique symbol;
/** A per-second counts text that matches SERIALIZED_SECONDS; only checkSeconds makes one. */
export type CheckedSeconds = string & { readonly [checkedSecondsBrand]: true };

/** The text itself, once it is known to match SERIALIZED_SECONDS; throws otherwise. */
export function checkSeconds(encoded: string): CheckedSeconds {
  if (scanSeconds(encoded, null) < 0) throw new Error('not serialized per-second counts');
  return encoded as CheckedSeconds;
}

/**
 * Visits the seconds of a serialized SecondCounts; throws unless the text matches SERIALIZED_SECONDS.
 * The text is checked in full before the first visit, so a bad one adds nothing.
 */
export function forEachSerialized(encoded: string, visit: (second: number, n: number) => void): void {
  scanSeconds(checkSeconds(encoded), visit);
}

/** Walks "second:n,Δ:n,…" (Δ empty for 1); returns the entries seen, or -1 where the grammar breaks. */
function scanSeconds(encoded: string, visit: ((second: number, n: number) => void) | null): number {
  let second = 0;
  let entries = 0;
  for (let i = 0; i < encoded.length; entries++) {
    /** Where the ':' before this entry's count must be. */
    let colonAt: number;
    if (entries === 0) {
      const negative = encoded.charCodeAt(i) === MINUS;
      const start = readDecimal(encoded, negative ? i + 1 : i, false);
      if (start < 0) return -1;
      second = negative ? -start : start;
      colonAt = decimalEnd;
    } else if (encoded.charCodeAt(i) !== COMMA) {
      return -1;
    } else if (encoded.charCodeAt(i + 1) === COLON) {
      second += 1;
      colonAt = i + 1;
    } else {
      const gap = readDecimal(encoded, i + 1, true);
      if (gap < 0) return -1;
      second += gap;
      colonAt = decimalEnd;
    }
    if (encoded.charCodeAt(colonAt) !== COLON) return -1;
    const n = readDecimal(encoded, colonAt + 1, true);
    if (n < 0) return -1;
    if (visit !== null) visit(second, n);
    i = decimalEnd;
  }
  return entries;
}
