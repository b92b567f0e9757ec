// "YYYY-MM-DD HH:MM:SS[.fff][zone]" to epoch ms: src/timestamp.ts parseTimestamp, ported. The calendar
// (date validity, a minute's epoch start) is JS's own, imported, and asked once per distinct minute.

/** Epoch ms of the minute's start, or NaN when the date does not exist (src/wasm/applog-scanner.ts). */
@external("env", "minuteStart")
declare function minuteStart(year: i32, month: i32, day: i32, hour: i32, minute: i32): f64;

const MINUTE_SLOTS = 128;
/** Minute keys + 1 (0: empty slot) and their starts, by minute of the day & (MINUTE_SLOTS - 1). */
const cachedKeys = memory.data(MINUTE_SLOTS * 8, 8);
const cachedStarts = memory.data(MINUTE_SLOTS * 8, 8);

export let timestampEnd: i32 = 0;

@inline function byteAt(data: usize, i: i32): i32 {
  return <i32>load<u8>(data + <usize>i);
}

@inline function twoDigits(data: usize, i: i32): i32 {
  const a = byteAt(data, i) - 0x30;
  const b = byteAt(data, i + 1) - 0x30;
  return <u32>a <= 9 && <u32>b <= 9 ? a * 10 + b : -1;
}

/**
 * The last date, hour and minute read: their 16 bytes and the minute's start. Lines in time order
 * mostly repeat them, and equal bytes give an equal start, so one comparison replaces their parse.
 */
let prefixSet = false;
let prefixLow: u64 = 0;
let prefixHigh: u64 = 0;
let prefixMinuteStart: f64 = 0;

/**
 * Recent prefixes of other minutes: slots of (low bytes, high bytes, minute start), by a hash of the
 * 16 bytes. Lines out of order (shuffled within an hour, several sources merged) cycle through a few
 * dozen minutes, and their parse on every switch was a tenth of such a pass. A slot holds only a
 * prefix that parsed; its low word is never 0, since a valid prefix starts with a digit.
 */
const PREFIX_SLOTS = 256;
const PREFIX_SLOT_BYTES = 24;
const prefixTable = memory.data(PREFIX_SLOTS * PREFIX_SLOT_BYTES, 8);

@inline function prefixSlot(low: u64, high: u64): usize {
  const mixed = (low ^ (high * 0x9e3779b97f4a7c15)) * 0x9e3779b97f4a7c15;
  return prefixTable + <usize>(mixed >> 56) * PREFIX_SLOT_BYTES;
}

/** Epoch ms of the minute written by data[s, s + 16) ("YYYY-MM-DD HH:MM", or with 'T'), or NaN. */
function minuteAt(data: usize, s: i32): f64 {
  const t = byteAt(data, s + 10);
  if (byteAt(data, s + 4) != 0x2d || byteAt(data, s + 7) != 0x2d || (t != 0x20 && t != 0x54) || byteAt(data, s + 13) != 0x3a) return NaN;
  const century = twoDigits(data, s);
  const yy = twoDigits(data, s + 2);
  const month = twoDigits(data, s + 5);
  const day = twoDigits(data, s + 8);
  const hour = twoDigits(data, s + 11);
  const minute = twoDigits(data, s + 14);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  const year = century * 100 + yy;
  const key: i64 = (((((<i64>year * 13 + month) * 32 + day) * 24 + hour) * 60) + minute) + 1;
  const slot = <usize>((hour * 60 + minute) & (MINUTE_SLOTS - 1)) << 3;
  if (load<i64>(cachedKeys + slot) != key) {
    const found = minuteStart(year, month, day, hour, minute);
    if (isNaN(found)) return NaN;
    store<i64>(cachedKeys + slot, key);
    store<f64>(cachedStarts + slot, found);
  }
  return load<f64>(cachedStarts + slot);
}

export function parseTimestamp(data: usize, s: i32, end: i32): f64 {
  if (end - s < 19) return NaN;
  const low = load<u64>(data + <usize>s);
  const high = load<u64>(data + <usize>s + 8);
  let minuteStartMs: f64;
  if (prefixSet && low == prefixLow && high == prefixHigh) {
    minuteStartMs = prefixMinuteStart;
  } else {
    const slot = prefixSlot(low, high);
    if (load<u64>(slot) == low && load<u64>(slot, 8) == high) {
      minuteStartMs = load<f64>(slot, 16);
    } else {
      minuteStartMs = minuteAt(data, s);
      if (isNaN(minuteStartMs)) return NaN;
      store<u64>(slot, low);
      store<u64>(slot, high, 8);
      store<f64>(slot, minuteStartMs, 16);
    }
    prefixSet = true;
    prefixLow = low;
    prefixHigh = high;
    prefixMinuteStart = minuteStartMs;
  }
  const second = twoDigits(data, s + 17);
  if (byteAt(data, s + 16) != 0x3a || second < 0 || second > 60) return NaN;

  let i = s + 19;
  let millis = 0;
  if (i < end && byteAt(data, i) == 0x2e) {
    i++;
    let digits = 0;
    while (i < end) {
      const d = byteAt(data, i) - 0x30;
      if (<u32>d > 9) break;
      if (digits < 3) millis = millis * 10 + d;
      digits++;
      i++;
    }
    if (digits == 0) return NaN;
    for (let d = digits; d < 3; d++) millis *= 10;
  }

  let zoneOffsetMs = 0;
  if (i < end && byteAt(data, i) == 0x5a) {
    i++; // Z
  } else if (i + 2 < end && (byteAt(data, i) == 0x2b || byteAt(data, i) == 0x2d)) {
    const sign = byteAt(data, i) == 0x2d ? -1 : 1;
    const zoneHours = twoDigits(data, i + 1);
    let j = i + 3;
    if (j < end && byteAt(data, j) == 0x3a) j++;
    const zoneMinutes = j + 1 < end ? twoDigits(data, j) : -1;
    if (zoneHours >= 0 && zoneHours <= 23 && zoneMinutes >= 0 && zoneMinutes <= 59) {
      zoneOffsetMs = sign * (zoneHours * 60 + zoneMinutes) * 60000;
      i = j + 2;
    }
  }
  timestampEnd = i;
  return minuteStartMs + <f64>(second * 1000 + millis - zoneOffsetMs);
}
