// Finds the duration a log message reports ("processed in 127ms") and converts it to integer
// microseconds, byte by byte.

const SPACE = 0x20;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/**
 * Longer "durations" (over 11 days) are not request times, and keeping every one below 2^40 keeps
 * the integer microsecond sums exact (below 2^53) for billions of requests.
 */
export const MAX_DURATION_US = 1e12;

const isDigit = (b: number): boolean => b >= DIGIT_0 && b <= DIGIT_9;
const isWordByte = (b: number): boolean =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b >= 0x80;

/** Bytes of the unit found by the last successful unitAt call. */
let unitLength = 0;

const found = (length: number, micros: number): number => {
  unitLength = length;
  return micros;
};

/** Microseconds per unit of the unit at buf[i] (setting unitLength), or -1. No object per call: hot path. */
function unitAt(buf: Buffer, i: number, end: number): number {
  const b0 = buf[i];
  const b1 = i + 1 < end ? buf[i + 1] : -1;
  if (b0 === 0x6d && b1 === 0x73) return found(2, 1000); // ms
  if (b0 === 0x75 && b1 === 0x73) return found(2, 1); // us
  if (b0 === 0x73) return found(1, 1_000_000); // s
  const b2 = i + 2 < end ? buf[i + 2] : -1;
  if (b0 === 0xc2 && b1 === 0xb5 && b2 === 0x73) return found(3, 1); // µs (micro sign)
  if (b0 === 0xce && b1 === 0xbc && b2 === 0x73) return found(3, 1); // μs (Greek mu)
  return -1;
}

/**
 * Parses `<digits>[.<digits>][ ]<unit>` at buf[i], the unit followed by a non-word byte or the end.
 * Returns integer microseconds (rounded to the nearest), or -1.
 */
export function parseDurationAt(buf: Buffer, i: number, end: number): number {
  let whole = 0;
  let digits = 0;
  while (i < end && isDigit(buf[i])) {
    whole = whole * 10 + (buf[i] - DIGIT_0);
    i++;
    digits++;
  }
  if (digits === 0 || digits > 15) return -1;
  let fraction = 0;
  let fractionScale = 1;
  if (i < end && buf[i] === DOT) {
    i++;
    let fractionDigits = 0;
    while (i < end && isDigit(buf[i])) {
      // Nine fractional digits are below a microsecond for every unit; ignore the rest.
      if (fractionDigits < 9) {
        fraction = fraction * 10 + (buf[i] - DIGIT_0);
        fractionScale *= 10;
      }
      fractionDigits++;
      i++;
    }
    if (fractionDigits === 0) return -1;
  }
  if (i < end && buf[i] === SPACE) i++;
  if (i >= end) return -1;
  const unitMicros = unitAt(buf, i, end);
  if (unitMicros < 0) return -1;
  const after = i + unitLength;
  if (after < end && isWordByte(buf[after])) return -1;
  const micros = whole * unitMicros + Math.round((fraction * unitMicros) / fractionScale);
  return micros <= MAX_DURATION_US ? micros : -1;
}

/**
 * Horspool shifts for finding " in " and " too" (then "k ") with a 4-byte window: how far the window
 * may move given its last byte, without passing an occurrence of either.
 */
const WINDOW_SHIFT = new Uint8Array(256).fill(4);
for (const [byte, shift] of [
  [SPACE, 3],
  [0x69, 2], // i
  [0x74, 2], // t
  [0x6e, 1], // n
  [0x6f, 1], // o
] as const) {
  WINDOW_SHIFT[byte] = shift;
}

/** The duration after the word at w ("in " or "took "), or -1. */
function durationAfterWord(buf: Buffer, w: number, end: number): number {
  let numberAt = -1;
  if (w + 2 < end && buf[w] === 0x69 && buf[w + 1] === 0x6e && buf[w + 2] === SPACE) numberAt = w + 3; // "in "
  else if (w + 4 < end && buf[w] === 0x74 && buf[w + 1] === 0x6f && buf[w + 2] === 0x6f && buf[w + 3] === 0x6b && buf[w + 4] === SPACE) numberAt = w + 5; // "took "
  return numberAt !== -1 && numberAt < end && isDigit(buf[numberAt]) ? parseDurationAt(buf, numberAt, end) : -1;
}

/**
 * The first duration in buf[start, end) introduced by the word "in" or "took"
 * ("processed in 127ms", "took 1.5 s"), in integer microseconds; -1 when there is none.
 *
 * This scan is most of an application-log line's parsing, so it skips: a Horspool search for the
 * words with the space before them moves up to four bytes per step, where looking at every byte
 * took a quarter of a whole analysis pass.
 */
export function findReportedDuration(buf: Buffer, start: number, end: number): number {
  // A word at the very start has no space before it.
  const first = durationAfterWord(buf, start, end);
  if (first >= 0) return first;
  // Windows [j, j + 4) within the message; a match needs a number after it, so stop 4 bytes early.
  for (let j = start; j + 4 < end; ) {
    const last = buf[j + 3];
    if (buf[j] === SPACE && (last === SPACE || last === 0x6f)) {
      const micros = durationAfterWord(buf, j + 1, end);
      if (micros >= 0) return micros;
    }
    j += WINDOW_SHIFT[last];
  }
  return -1;
}

/** Index just past the number parsed by the last successful parseDecimalMicros call. */
export let decimalEnd = 0;

/**
 * Parses `<digits>[.<digits>]` at buf[i] as a quantity of a unit worth `unitMicros` microseconds and
 * returns integer microseconds (rounded to the nearest), or -1 when there is no number there.
 */
export function parseDecimalMicros(buf: Buffer, i: number, end: number, unitMicros: number): number {
  let whole = 0;
  let digits = 0;
  while (i < end && isDigit(buf[i])) {
    whole = whole * 10 + (buf[i] - DIGIT_0);
    i++;
    digits++;
  }
  let fraction = 0;
  let fractionScale = 1;
  let fractionDigits = 0;
  if (i < end && buf[i] === DOT) {
    i++;
    while (i < end && isDigit(buf[i])) {
      if (fractionDigits < 9) {
        fraction = fraction * 10 + (buf[i] - DIGIT_0);
        fractionScale *= 10;
      }
      fractionDigits++;
      i++;
    }
  }
  if ((digits === 0 && fractionDigits === 0) || digits > 15) return -1;
  decimalEnd = i;
  const micros = whole * unitMicros + Math.round((fraction * unitMicros) / fractionScale);
  return micros <= MAX_DURATION_US ? micros : -1;
}

/**
 * A whole field buf[start, end) holding a duration: a bare number in the default unit
 * (`0.105` with seconds), or a number with a unit (`105ms`, `0.105s`, `105 ms`, `250us`, `250µs`).
 * Returns integer microseconds, or -1.
 */
export function parseDurationField(buf: Buffer, start: number, end: number, defaultUnitMicros: number): number {
  const micros = parseDecimalMicros(buf, start, end, defaultUnitMicros);
  if (micros < 0) return -1;
  if (decimalEnd === end) return micros;
  const withUnit = parseDurationAt(buf, start, end);
  if (withUnit < 0) return -1;
  // parseDurationAt stops after the unit; anything but the end of the field means it was not a duration.
  let i = decimalEnd;
  if (buf[i] === SPACE) i++;
  return unitAt(buf, i, end) >= 0 && i + unitLength === end ? withUnit : -1;
}
