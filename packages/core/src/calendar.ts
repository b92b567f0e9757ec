// Calendar helpers shared by the timestamp parsers: two-digit fields from bytes, date validation, and
// the UTC start of a minute (without Date.UTC, which reads years 0-99 as 1900-1999).

const DIGIT_0 = 0x30;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by buf[i], buf[i + 1], or -1 when they are not two digits. */
export function twoDigits(buf: Buffer, i: number): number {
  const a = buf[i] - DIGIT_0;
  const b = buf[i + 1] - DIGIT_0;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Whether day exists in month (1-12) of year. */
export function isRealDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1] && !(month === 2 && day === 29 && !isLeapYear(year));
}

/** Epoch ms of the start of a UTC minute. */
export function utcMinuteStart(year: number, month: number, day: number, hour: number, minute: number): number {
  return new Date(0).setUTCFullYear(year, month - 1, day) + (hour * 60 + minute) * 60_000;
}
