// Reads "YYYY-MM-DD HH:MM:SS[.fff]" (also with 'T' between date and time, and an optional zone: Z,
// +HH:MM, +HHMM) from bytes into epoch milliseconds; times without a zone are read as UTC.
// The calendar is computed once per distinct minute, not once per line.

import { isRealDate, twoDigits, utcMinuteStart } from './calendar';

const DIGIT_0 = 0x30;

/**
 * Minutes computed lately, by minute of the day & (MINUTE_SLOTS - 1): lines out of order by up to two
 * hours still find theirs (a one-entry cache missed on nearly every line of a shuffled hour).
 */
const MINUTE_SLOTS = 128;
const cachedMinuteKeys = new Float64Array(MINUTE_SLOTS).fill(-1);
const cachedMinuteStarts = new Float64Array(MINUTE_SLOTS);

/** Index just past the timestamp parsed by the last successful parseTimestamp call. */
export let timestampEnd = 0;



/**
 * Parses the timestamp at buf[s]; returns epoch ms and sets timestampEnd, or returns NaN.
 * Fractional seconds may have any number of digits; they are truncated to milliseconds.
 */
export function parseTimestamp(buf: Buffer, s: number, end: number): number {
  if (end - s < 19 || buf[s + 4] !== 0x2d || buf[s + 7] !== 0x2d || (buf[s + 10] !== 0x20 && buf[s + 10] !== 0x54) || buf[s + 13] !== 0x3a || buf[s + 16] !== 0x3a) {
    return NaN;
  }
  const century = twoDigits(buf, s);
  const yy = twoDigits(buf, s + 2);
  const month = twoDigits(buf, s + 5);
  const day = twoDigits(buf, s + 8);
  const hour = twoDigits(buf, s + 11);
  const minute = twoDigits(buf, s + 14);
  const second = twoDigits(buf, s + 17);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return NaN;
  }
  const year = century * 100 + yy;
  // The key holds year, month, day, hour and minute exactly; a key seen before was a real date then.
  const minuteKey = ((((year * 13 + month) * 32 + day) * 24 + hour) * 60) + minute;
  const slot = (hour * 60 + minute) & (MINUTE_SLOTS - 1);
  if (cachedMinuteKeys[slot] !== minuteKey) {
    if (!isRealDate(year, month, day)) return NaN;
    cachedMinuteKeys[slot] = minuteKey;
    cachedMinuteStarts[slot] = utcMinuteStart(year, month, day, hour, minute);
  }
  const minuteStart = cachedMinuteStarts[slot];

  let i = s + 19;
  let millis = 0;
  if (i < end && buf[i] === 0x2e) {
    i++;
    let digits = 0;
    while (i < end && buf[i] >= DIGIT_0 && buf[i] <= DIGIT_0 + 9) {
      if (digits < 3) millis = millis * 10 + (buf[i] - DIGIT_0);
      digits++;
      i++;
    }
    if (digits === 0) return NaN;
    for (let d = digits; d < 3; d++) millis *= 10;
  }

  let zoneOffsetMs = 0;
  if (i < end && buf[i] === 0x5a) {
    i++; // Z
  } else if (i + 2 < end && (buf[i] === 0x2b || buf[i] === 0x2d)) {
    const sign = buf[i] === 0x2d ? -1 : 1;
    const zoneHours = twoDigits(buf, i + 1);
    let j = i + 3;
    if (j < end && buf[j] === 0x3a) j++;
    const zoneMinutes = j + 1 < end ? twoDigits(buf, j) : -1;
    if (zoneHours >= 0 && zoneHours <= 23 && zoneMinutes >= 0 && zoneMinutes <= 59) {
      zoneOffsetMs = sign * (zoneHours * 60 + zoneMinutes) * 60_000;
      i = j + 2;
    }
  }
  timestampEnd = i;
  return minuteStart + second * 1000 + millis - zoneOffsetMs;
}

/** Index just past the number parsed by the last successful parseEpochTimestamp call. */
export let epochEnd = 0;

/**
 * An epoch timestamp: seconds with an optional fraction (`1706091332.123`, nginx's $msec), or
 * milliseconds when the integer part has 12 or more digits. Returns epoch ms, or NaN.
 */
export function parseEpochTimestamp(buf: Buffer, s: number, end: number): number {
  let i = s;
  let whole = 0;
  let digits = 0;
  while (i < end && buf[i] >= DIGIT_0 && buf[i] <= DIGIT_0 + 9) {
    whole = whole * 10 + (buf[i] - DIGIT_0);
    i++;
    digits++;
  }
  if (digits < 9 || digits > 16) return NaN;
  let fraction = 0;
  let scale = 1;
  if (i < end && buf[i] === 0x2e) {
    i++;
    while (i < end && buf[i] >= DIGIT_0 && buf[i] <= DIGIT_0 + 9) {
      if (scale < 1000) {
        fraction = fraction * 10 + (buf[i] - DIGIT_0);
        scale *= 10;
      }
      i++;
    }
  }
  epochEnd = i;
  if (digits >= 12) return whole; // already milliseconds
  return whole * 1000 + Math.floor((fraction * 1000) / scale);
}
