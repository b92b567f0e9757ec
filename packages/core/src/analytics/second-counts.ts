// Request counts per epoch second, for the peak second. Counts live in pages of 1024 consecutive
// seconds (an index into a typed array, no hashing per line), pages in a map by page number: memory
// follows the seconds that have requests, so a chunk spanning a month holds ~2,500 pages of 4 KiB,
// and a stray timestamp years away costs one page, not a stretched array.
//
// Serialized as one string of "Δsecond:count" entries, the first Δ the epoch second itself and a Δ
// of 1 left empty ("1706091332:3,:5,7:1" = 3 requests in that second, 5 in the next, 1 seven later):
// a chunk can hold millions of seconds, and a [second, count] array per second made the partial's
// largest and slowest part.

import type { JsonOut } from '../json-parts';
import { MAX_INTEGER_BYTES, writeInteger } from '../text/ascii-writer';
import { asciiBytes } from '../text/ascii-bytes';

const PAGE_BITS = 10;
/**
 * The most requests one second of a serialized text may hold: a page's counter is 32 bits. An honest
 * chunk would need 4 billion lines in one second to pass it; a merged total of such seconds wraps.
 */
export const MAX_SECOND_COUNT = 0xffffffff;
const PAGE_SIZE = 1 << PAGE_BITS;
/** The most bytes of a page's entries: a comma, a Δ, a colon and a count each. */
const PAGE_TEXT_BYTES = PAGE_SIZE * (2 * MAX_INTEGER_BYTES + 2);
/** serialize()'s buffer for one page's text. */
const pageText = Buffer.allocUnsafe(PAGE_TEXT_BYTES);
/** Slots of the recent-page cache, a power of two: 16 pages are ~4.6 hours of seconds. */
const RECENT_PAGES = 16;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;

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
    // Written as ASCII bytes and decoded once a page: a chunk can hold millions of seconds, and a
    // string per entry, then a join, was ~9% of a pass.
    const texts: string[] = [];
    this.writePages(() => pageText, (end) => texts.push(pageText.toString('latin1', 0, end)));
    return texts.join('');
  }

  /**
   * serialize()'s text as a JSON string, written into out page by page: a month's text is 7.7 MB,
   * and as a string, then its bytes, it raised a pool thread's peak by more than twice that.
   */
  writeJson(out: JsonOut): void {
    out.write('"');
    this.writePages(
      () => out.room(PAGE_TEXT_BYTES).subarray(out.at),
      (end) => (out.at += end),
    );
    out.write('"');
  }

  /** Writes each page's entries (in time order) into the buffer `room` gives, at its start, then tells `wrote` how far. */
  private writePages(room: () => Uint8Array, wrote: (end: number) => void): void {
    let previous = NaN;
    for (const pageNumber of [...this.pages.keys()].sort((a, b) => a - b)) {
      const page = this.pages.get(pageNumber)!;
      const base = pageNumber * PAGE_SIZE;
      const buf = room();
      let at = 0;
      for (let i = 0; i < PAGE_SIZE; i++) {
        const n = page[i];
        if (n === 0) continue;
        const second = base + i;
        if (Number.isNaN(previous)) {
          at = writeInteger(buf, at, second);
        } else {
          buf[at++] = COMMA;
          if (second - previous !== 1) at = writeInteger(buf, at, second - previous);
        }
        buf[at++] = COLON;
        at = writeInteger(buf, at, n);
        previous = second;
      }
      wrote(at);
    }
  }

  /**
   * The counts of "second:n,Δ:n,…" (Δ empty for 1), or null where the grammar breaks, a count passes
   * MAX_SECOND_COUNT or a second 2^53. Seconds only increase, so each page is filled in turn and new.
   */
  static decode(encoded: string): SecondCounts | null {
    const counts = new SecondCounts();
    const end = encoded.length;
    if (end === 0) return counts;
    const bytes = asciiBytes(encoded);
    if (bytes === null) return null;
    let i = 0;
    let c = 0;
    const negative = bytes[0] === MINUS;
    if (negative) i++;
    let first = 0;
    while ((c = bytes[i] - DIGIT_0) >= 0 && c <= 9) (first = first * 10 + c), i++;
    if (i === (negative ? 1 : 0) || first > Number.MAX_SAFE_INTEGER) return null;
    let second = negative ? -first : first;
    let page = new Uint32Array(0);
    /** The first second of page: none until the first entry, which makes a page. */
    let base = -Infinity;
    // The sentinel after the text is no digit, colon or comma, so every loop stops at the end.
    for (;;) {
      if (bytes[i] !== COLON || (c = bytes[++i] - DIGIT_1) < 0 || c > 8) return null;
      let n = c + 1;
      // Most counts are one digit: read without a loop, and with no test against the limit.
      if ((c = bytes[++i] - DIGIT_0) >= 0 && c <= 9) {
        do n = n * 10 + c;
        while ((c = bytes[++i] - DIGIT_0) >= 0 && c <= 9);
        if (n > MAX_SECOND_COUNT) return null;
      }
      if (second - base >= PAGE_SIZE) {
        const pageNumber = Math.floor(second / PAGE_SIZE);
        base = pageNumber * PAGE_SIZE;
        page = new Uint32Array(PAGE_SIZE);
        counts.pages.set(pageNumber, page);
      }
      page[second - base] = n;
      if (i === end) return counts;
      if (bytes[i] !== COMMA) return null;
      if (bytes[++i] === COLON) {
        second += 1;
      } else {
        if ((c = bytes[i] - DIGIT_1) < 0 || c > 8) return null;
        let gap = c + 1;
        while ((c = bytes[++i] - DIGIT_0) >= 0 && c <= 9) gap = gap * 10 + c;
        second += gap;
      }
      // Past 2^53 two seconds can round to one, and its count would overwrite the other's.
      if (second > Number.MAX_SAFE_INTEGER) return null;
    }
  }

  /** Adds the counts of a serialized SecondCounts; throws, adding nothing, unless the text is one. */
  addSerialized(encoded: string): void {
    this.addChecked(checkSeconds(encoded));
  }

  /** Adds the counts checkSeconds decoded, a page at a time: nothing is scanned again, and nothing throws. */
  addChecked(checked: CheckedSeconds): void {
    for (const [pageNumber, page] of checked.counts.pages) {
      const mine = this.pages.get(pageNumber);
      if (mine === undefined) {
        this.pages.set(pageNumber, page.slice());
        continue;
      }
      for (let i = 0; i < PAGE_SIZE; i++) mine[i] += page[i];
    }
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
/** The counts of a per-second text that matches SERIALIZED_SECONDS, decoded; only checkSeconds makes one. */
export interface CheckedSeconds {
  readonly counts: SecondCounts;
  readonly [checkedSecondsBrand]: true;
}

/** The text's counts, once it is known to match SERIALIZED_SECONDS with no count past MAX_SECOND_COUNT; throws otherwise. */
export function checkSeconds(encoded: string): CheckedSeconds {
  const counts = SecondCounts.decode(encoded);
  if (counts === null) throw new Error('not serialized per-second counts');
  return { counts } as CheckedSeconds;
}

/**
 * Visits the seconds of a serialized SecondCounts in time order; throws unless the text matches
 * SERIALIZED_SECONDS. The text is checked in full before the first visit, so a bad one visits nothing.
 */
export function forEachSerialized(encoded: string, visit: (second: number, n: number) => void): void {
  checkSeconds(encoded).counts.forEach(visit);
}
