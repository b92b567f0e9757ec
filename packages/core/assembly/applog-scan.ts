// The applog scanner compiled to WebAssembly: one call takes a buffer of whole lines and writes, per
// line, its kind and parsed fields into columns that JS folds in a tight loop (src/wasm/). A call per
// line would cost more in crossings than the parse itself. Every rule here is a port of the JS path's
// (line-reader.ts, analyze.ts lineToParse, applog-parser.ts, timestamp.ts, duration.ts,
// text/utf8-range.ts), and test/wasm-scanner.test.ts holds the two to identical metrics.
import { isUtf8Range } from './utf8';
import { parseTimestamp, timestampEnd } from './timestamp';
import { findReportedDuration } from './duration';

// Line kinds, as src/wasm/applog-columns.ts reads them.
const KIND_APPLOG: u8 = 0;
const KIND_BLANK: u8 = 1;
const KIND_INVALID_UTF8: u8 = 2;
const KIND_MALFORMED: u8 = 3;
const KIND_OUTSIDE_WINDOW: u8 = 4;

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const MAX_LEVEL_LENGTH = 16;
const MAX_PACKED_LETTERS = 10;
/** Distinct levels given a slot, per instance; JS keeps each slot's LevelInfo (applog-scanner.ts). */
const LEVEL_SLOTS = 64;
const slotKeys = memory.data(LEVEL_SLOTS * 8, 8);
let slotsUsed = 0;
let lastSlot = -1;
let lastSlotKey: i64 = -1;

/** Per slot, 1 when its letters spell a zone abbreviation (a timestamp's `UTC`, never a level). */
const slotIsZone = memory.data(LEVEL_SLOTS, 1);

/** The packed letters of src/formats/zone-abbreviations.ts's abbreviations, which JS adds at start-up. */
const MAX_ZONES = 64;
const MAX_ZONE_LETTERS = 4;
const zoneKeys = memory.data(MAX_ZONES * 8, 8);
let zonesUsed = 0;

/** Adds one zone abbreviation's packed letters (exact in an f64: at most 4 letters, 20 bits). */
export function addZoneKey(key: f64): void {
  if (zonesUsed == MAX_ZONES) return;
  store<i64>(zoneKeys + (<usize>zonesUsed << 3), <i64>key);
  zonesUsed++;
}

function isZoneKey(key: i64): bool {
  for (let z = 0; z < zonesUsed; z++) if (load<i64>(zoneKeys + (<usize>z << 3)) == key) return true;
  return false;
}

/** The slot of a level by its packed letters, taking a free one for a new level; -1 when none is left. */
function levelSlot(key: i64): i32 {
  if (key == lastSlotKey) return lastSlot;
  let slot = 0;
  while (slot < slotsUsed && load<i64>(slotKeys + (<usize>slot << 3)) != key) slot++;
  if (slot == slotsUsed) {
    if (slotsUsed == LEVEL_SLOTS) return -1;
    store<i64>(slotKeys + (<usize>slot << 3), key);
    store<u8>(slotIsZone + <usize>slot, isZoneKey(key) ? 1 : 0);
    slotsUsed++;
  }
  lastSlot = slot;
  lastSlotKey = key;
  return slot;
}

let capacity: i32 = 0;
let kinds: usize = 0;
let starts: usize = 0;
let ends: usize = 0;
let times: usize = 0;
let durations: usize = 0;
let levelSlots: usize = 0;
let levelStarts: usize = 0;
let levelEnds: usize = 0;
let scanEndAt: i32 = 0;

const align = (p: usize, to: usize): usize => (p + to - 1) & ~(to - 1);

/** Lays out columns for `lines` lines from the heap base; returns where the data buffer may start. */
export function layout(lines: i32): usize {
  capacity = lines;
  let p = align(__heap_base, 16);
  times = p; p += <usize>lines * 8;
  durations = p; p += <usize>lines * 8;
  starts = p; p += <usize>lines * 4;
  ends = p; p += <usize>lines * 4;
  levelSlots = p; p += <usize>lines * 4;
  levelStarts = p; p += <usize>lines * 4;
  levelEnds = p; p += <usize>lines * 4;
  kinds = p; p += <usize>lines;
  return align(p, 16);
}

export function kindColumn(): usize { return kinds; }
export function startColumn(): usize { return starts; }
export function endColumn(): usize { return ends; }
export function timeColumn(): usize { return times; }
export function durationColumn(): usize { return durations; }
export function levelSlotColumn(): usize { return levelSlots; }
export function levelStartColumn(): usize { return levelStarts; }
export function levelEndColumn(): usize { return levelEnds; }
/** Where the last scan stopped: the start of the first line it did not take. */
export function scanEnd(): i32 { return scanEndAt; }

@inline function byteAt(data: usize, i: i32): i32 {
  return <i32>load<u8>(data + <usize>i);
}

/**
 * Set by findNewline: where the first byte with its high bit set is in the line found, or -1. UTF-8
 * is checked from there: the ASCII before it is valid, and a character starts there.
 */
let firstHighByte = -1;

/**
 * The first '\n' in data[p, len), or -1. Sixteen bytes per step; the buffer has room past
 * its capacity, so the last step may read past len (those bytes are ignored).
 */
@inline function findNewline(data: usize, p: i32, len: i32): i32 {
  const newline = i8x16.splat(10);
  firstHighByte = -1;
  for (let q = p; q < len; q += 16) {
    const v = v128.load(data + <usize>q);
    const found = i8x16.bitmask(i8x16.eq(v, newline));
    const highBits = i8x16.bitmask(v);
    if (found != 0) {
      const k = ctz(found);
      if (q + k >= len) break;
      const before = highBits & ((1 << k) - 1);
      if (firstHighByte < 0 && before != 0) firstHighByte = q + ctz(before);
      return q + k;
    }
    if (firstHighByte < 0 && highBits != 0) firstHighByte = q + ctz(highBits);
  }
  return -1;
}

/**
 * Scans the lines starting in data[cursor, len) at or before lastStart, up to the column capacity.
 * A line without its '\n' is taken only at eof (the file's last line); otherwise the scan stops at its
 * start, for the reader to read more. Returns the lines written; scanEnd() tells where it stopped.
 */
export function scan(data: usize, cursor: i32, len: i32, lastStart: i32, eof: bool, sinceMs: f64, untilMs: f64): i32 {
  let n = 0;
  let p = cursor;
  while (n < capacity && p <= lastStart && p < len) {
    let nl = findNewline(data, p, len);
    let next: i32;
    let valid: bool;
    if (nl >= 0) {
      next = nl + 1;
      valid = firstHighByte < 0 || isUtf8Range(data, firstHighByte, nl);
    } else {
      if (!eof) break;
      nl = len;
      next = len;
      valid = isUtf8Range(data, p, len);
    }
    scanLine(data, n, p, nl, valid, sinceMs, untilMs);
    n++;
    p = next;
  }
  scanEndAt = p;
  return n;
}

/** One line's kind and fields into row n: lineToParse, then scanApplogLine, then the window. */
function scanLine(data: usize, n: i32, start: i32, rawEnd: i32, valid: bool, sinceMs: f64, untilMs: f64): void {
  let end = rawEnd;
  if (end > start && byteAt(data, end - 1) == CR) end--;
  store<u32>(starts + (<usize>n << 2), start);
  store<u32>(ends + (<usize>n << 2), end);
  let i = start;
  while (i < end && (byteAt(data, i) == SPACE || byteAt(data, i) == TAB)) i++;
  if (i == end) {
    store<u8>(kinds + <usize>n, KIND_BLANK);
    return;
  }
  if (!valid) {
    store<u8>(kinds + <usize>n, KIND_INVALID_UTF8);
    return;
  }
  store<u8>(kinds + <usize>n, scanApplog(data, n, start, end, sinceMs, untilMs));
}

function scanApplog(data: usize, n: i32, start: i32, end: i32, sinceMs: f64, untilMs: f64): u8 {
  const time = parseTimestamp(data, start, end);
  if (isNaN(time)) return KIND_MALFORMED;
  let i = timestampEnd;
  if (i >= end || byteAt(data, i) != SPACE) return KIND_MALFORMED;
  const levelStart = ++i;
  // The level's letters packed 5 bits each, as level-names.ts levelAt packs them: a level's identity.
  let key: i64 = 0;
  while (i < end) {
    const b = byteAt(data, i);
    if (b < 0x41 || b > 0x5a) break;
    key = key * 32 + <i64>(b - 0x40);
    i++;
  }
  const levelEnd = i;
  const levelLength = levelEnd - levelStart;
  if (levelLength == 0 || levelLength > MAX_LEVEL_LENGTH || (i < end && byteAt(data, i) != SPACE)) return KIND_MALFORMED;
  const slot = levelLength <= MAX_PACKED_LETTERS ? levelSlot(key) : -1;
  // `… 10:15:32.123 UTC [1234] ERROR:` (PostgreSQL): the word is the time's zone, and the line no applog.
  if (levelLength <= MAX_ZONE_LETTERS && (slot >= 0 ? load<u8>(slotIsZone + <usize>slot) != 0 : isZoneKey(key))) return KIND_MALFORMED;
  if (time < sinceMs || time >= untilMs) return KIND_OUTSIDE_WINDOW;
  const messageStart = min(levelEnd + 1, end);
  store<f64>(times + (<usize>n << 3), time);
  store<i32>(levelSlots + (<usize>n << 2), slot);
  store<u32>(levelStarts + (<usize>n << 2), levelStart);
  store<u32>(levelEnds + (<usize>n << 2), levelEnd);
  store<f64>(durations + (<usize>n << 3), findReportedDuration(data, messageStart, end));
  return KIND_APPLOG;
}
