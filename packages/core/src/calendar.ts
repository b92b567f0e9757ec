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

/** 1-12 for an English month abbreviation in any case (`Oct`, `OCT`), else -1. */
export function monthAt(buf: Buffer, i: number): number {
  // OR-ing 0x20 lowercases ASCII letters, so one comparison covers every case.
  const key = ((buf[i] | 0x20) << 16) | ((buf[i + 1] | 0x20) << 8) | (buf[i + 2] | 0x20);
  switch (key) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return -1;
  }
}
