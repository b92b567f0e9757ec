// Reads the access-log time between the brackets, `10/Oct/2000:13:55:36 -0700`, from bytes into epoch
// milliseconds. The calendar arithmetic runs once per distinct minute, not once per line.

import { isRealDate, monthAt, twoDigits, utcMinuteStart } from '../calendar';

const DIGIT_0 = 0x30;
const SPACE = 0x20;
const SLASH = 0x2f;
const COLON = 0x3a;
const DOT = 0x2e;
const PLUS = 0x2b;
const MINUS = 0x2d;

/**
 * Minutes computed lately, by minute of the day & (MINUTE_SLOTS - 1), as in timestamp.ts: an access log
 * in request-start order (Apache's %t, written at the request's end) or merged from several servers
 * goes back and forth across minutes, and one cached minute would redo the calendar on most lines.
 */
const MINUTE_SLOTS = 128;
const cachedMinuteKeys = new Float64Array(MINUTE_SLOTS).fill(-1);
const cachedMinuteStarts = new Float64Array(MINUTE_SLOTS);



/**
 * Minutes east of UTC for a zone filling buf[i, end) exactly: `+HHMM`, `-HHMM` or `+HH:MM`;
 * NaN otherwise.
 */
function zoneOffsetMinutes(buf: Buffer, i: number, end: number): number {
  const sign = buf[i] === PLUS ? 1 : buf[i] === MINUS ? -1 : 0;
  const length = end - i;
  if (sign === 0 || (length !== 5 && !(length === 6 && buf[i + 3] === COLON))) return NaN;
  const hours = twoDigits(buf, i + 1);
  const minutes = twoDigits(buf, length === 6 ? i + 4 : i + 3);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return NaN;
  return sign * (hours * 60 + minutes);
}

/**
 * Parses buf[start, end), the whole text between an access line's brackets:
 * `DD/Mon/YYYY:HH:MM:SS[.fraction][ ±HHMM]`. Without a zone the time is read as UTC; a fraction of
 * any length is truncated to milliseconds; the month abbreviation may be in any case.
 * Returns epoch milliseconds, or NaN when the bytes are not such a time.
 */
export function parseClfTime(buf: Buffer, start: number, end: number): number {
  if (end - start < 20 || buf[start + 2] !== SLASH || buf[start + 6] !== SLASH || buf[start + 11] !== COLON || buf[start + 14] !== COLON || buf[start + 17] !== COLON) {
    return NaN;
  }
  const day = twoDigits(buf, start);
  const month = monthAt(buf, start + 3);
  const century = twoDigits(buf, start + 7);
  const yy = twoDigits(buf, start + 9);
  const hour = twoDigits(buf, start + 12);
  const minute = twoDigits(buf, start + 15);
  const second = twoDigits(buf, start + 18);
  if (day < 1 || month < 0 || century < 0 || yy < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return NaN;
  }
  const year = century * 100 + yy;
  if (!isRealDate(year, month, day)) return NaN;

  let i = start + 20;
  let millis = 0;
  if (i < end && buf[i] === DOT) {
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

  let offsetMinutes = 0;
  if (i < end) {
    if (buf[i] !== SPACE) return NaN;
    offsetMinutes = zoneOffsetMinutes(buf, i + 1, end);
    if (Number.isNaN(offsetMinutes)) return NaN;
  }

  // The key leaves the zone out: the offset is applied after the lookup, so lines from servers in
  // different zones still share the cached minute.
  const minuteKey = (((year * 13 + month) * 32 + day) * 24 + hour) * 60 + minute;
  const slot = (hour * 60 + minute) & (MINUTE_SLOTS - 1);
  if (cachedMinuteKeys[slot] !== minuteKey) {
    cachedMinuteKeys[slot] = minuteKey;
    cachedMinuteStarts[slot] = utcMinuteStart(year, month, day, hour, minute);
  }
  return cachedMinuteStarts[slot] + second * 1000 + millis - offsetMinutes * 60_000;
}
