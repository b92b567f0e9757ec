// Reads "YYYY-MM-DD HH:MM:SS[.fff]" from bytes into epoch milliseconds (UTC: the format has no zone).
// Date.UTC runs once per distinct minute, not once per line.

const DIGIT_0 = 0x30;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

let cachedMinuteKey = -1;
let cachedMinuteMs = 0;

/** Index just past the timestamp parsed by the last successful parseTimestamp call. */
export let timestampEnd = 0;

function twoDigits(buf: Buffer, i: number): number {
  const a = buf[i] - DIGIT_0;
  const b = buf[i + 1] - DIGIT_0;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Parses the timestamp at buf[s]; returns epoch ms and sets timestampEnd, or returns NaN.
 * Fractional seconds may have any number of digits; they are truncated to milliseconds.
 */
export function parseTimestamp(buf: Buffer, s: number, end: number): number {
  if (end - s < 19 || buf[s + 4] !== 0x2d || buf[s + 7] !== 0x2d || buf[s + 10] !== 0x20 || buf[s + 13] !== 0x3a || buf[s + 16] !== 0x3a) {
    return NaN;
  }
  const century = twoDigits(buf, s);
  const yy = twoDigits(buf, s + 2);
  const month = twoDigits(buf, s + 5);
  const day = twoDigits(buf, s + 8);
  const hour = twoDigits(buf, s + 11);
  const minute = twoDigits(buf, s + 14);
  const second = twoDigits(buf, s + 17);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return NaN;
  }
  const year = century * 100 + yy;
  if (day > DAYS_IN_MONTH[month - 1] || (month === 2 && day === 29 && !isLeapYear(year))) return NaN;

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

  const minuteKey = ((((year * 13 + month) * 32 + day) * 24 + hour) * 60) + minute;
  if (minuteKey !== cachedMinuteKey) {
    cachedMinuteKey = minuteKey;
    // Not Date.UTC: it reads years 0-99 as 1900-1999.
    cachedMinuteMs = new Date(0).setUTCFullYear(year, month - 1, day) + (hour * 60 + minute) * 60_000;
  }
  timestampEnd = i;
  return cachedMinuteMs + second * 1000 + millis;
}
