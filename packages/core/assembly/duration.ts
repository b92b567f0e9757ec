// The duration a message reports ("processed in 127ms", "took 1.5 s") in integer microseconds:
// src/duration.ts findReportedDuration and parseDurationAt, ported: the same first match (see
// findReportedDuration) and the same values, rounded by the same double arithmetic.

const SPACE = 0x20;
const DOT = 0x2e;
const MAX_DURATION_US: f64 = 1e12;

@inline function byteAt(data: usize, i: i32): i32 {
  return <i32>load<u8>(data + <usize>i);
}

@inline function isDigit(b: i32): bool {
  return <u32>(b - 0x30) <= 9;
}

@inline function isWordByte(b: i32): bool {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x5f || b >= 0x80;
}

/** JS's Math.round for x >= 0: the nearest integer, halves up (x - floor(x) is exact for doubles). */
@inline function roundHalfUp(x: f64): f64 {
  const down = Math.floor(x);
  return x - down >= 0.5 ? down + 1 : down;
}

let unitLength = 0;

/** Microseconds per unit of the unit at data[i] (setting unitLength), or -1. */
function unitAt(data: usize, i: i32, end: i32): f64 {
  const b0 = byteAt(data, i);
  const b1 = i + 1 < end ? byteAt(data, i + 1) : -1;
  if (b0 == 0x6d && b1 == 0x73) { unitLength = 2; return 1000; } // ms
  if (b0 == 0x75 && b1 == 0x73) { unitLength = 2; return 1; } // us
  if (b0 == 0x73) { unitLength = 1; return 1000000; } // s
  const b2 = i + 2 < end ? byteAt(data, i + 2) : -1;
  if (b0 == 0xc2 && b1 == 0xb5 && b2 == 0x73) { unitLength = 3; return 1; } // µs (micro sign)
  if (b0 == 0xce && b1 == 0xbc && b2 == 0x73) { unitLength = 3; return 1; } // μs (Greek mu)
  return -1;
}

function parseDurationAt(data: usize, i: i32, end: i32): f64 {
  // Integers while reading (exact, as JS's doubles are below 2^53), converted once at the end.
  let whole: i64 = 0;
  let digits = 0;
  while (i < end && isDigit(byteAt(data, i))) {
    whole = whole * 10 + <i64>(byteAt(data, i) - 0x30);
    i++;
    digits++;
  }
  if (digits == 0 || digits > 15) return -1;
  let fraction: i64 = 0;
  let fractionScale: i64 = 1;
  if (i < end && byteAt(data, i) == DOT) {
    i++;
    let fractionDigits = 0;
    while (i < end && isDigit(byteAt(data, i))) {
      if (fractionDigits < 9) {
        fraction = fraction * 10 + <i64>(byteAt(data, i) - 0x30);
        fractionScale *= 10;
      }
      fractionDigits++;
      i++;
    }
    if (fractionDigits == 0) return -1;
  }
  if (i < end && byteAt(data, i) == SPACE) i++;
  if (i >= end) return -1;
  const unitMicros = unitAt(data, i, end);
  if (unitMicros < 0) return -1;
  const after = i + unitLength;
  if (after < end && isWordByte(byteAt(data, after))) return -1;
  const micros = <f64>whole * unitMicros + roundHalfUp((<f64>fraction * unitMicros) / <f64>fractionScale);
  return micros <= MAX_DURATION_US ? micros : -1;
}

/** The duration after the word at w ("in " or "took "), or -1. */
function durationAfterWord(data: usize, w: i32, end: i32): f64 {
  let numberAt = -1;
  if (w + 2 < end && byteAt(data, w) == 0x69 && byteAt(data, w + 1) == 0x6e && byteAt(data, w + 2) == SPACE) numberAt = w + 3; // "in "
  else if (w + 4 < end && byteAt(data, w) == 0x74 && byteAt(data, w + 1) == 0x6f && byteAt(data, w + 2) == 0x6f && byteAt(data, w + 3) == 0x6b && byteAt(data, w + 4) == SPACE) numberAt = w + 5; // "took "
  return numberAt != -1 && numberAt < end && isDigit(byteAt(data, numberAt)) ? parseDurationAt(data, numberAt, end) : -1;
}

/**
 * duration.ts finds the words with a Horspool search for " in " and " too"; that search visits every
 * place either occurs, and durationAfterWord fails everywhere else, so trying each place where one of
 * them occurs, in order (found 16 positions at a time), finds the same first duration.
 */
export function findReportedDuration(data: usize, start: i32, end: i32): f64 {
  const first = durationAfterWord(data, start, end);
  if (first >= 0) return first;
  const space = i8x16.splat(<i8>SPACE);
  const i = i8x16.splat(<i8>0x69);
  const n = i8x16.splat(<i8>0x6e);
  const t = i8x16.splat(<i8>0x74);
  const o = i8x16.splat(<i8>0x6f);
  // A match needs a number after the word, so none starts past end - 5 (as in duration.ts). The loads
  // may pass end by up to 18 bytes: the buffer has room for that (applog-scanner.ts SCAN_OVERRUN).
  for (let q = start; q + 4 < end; q += 16) {
    const at = data + <usize>q;
    const b0 = v128.load(at);
    const b1 = v128.load(at + 1);
    const b2 = v128.load(at + 2);
    const b3 = v128.load(at + 3);
    const inWord = v128.and(i8x16.eq(b1, i), v128.and(i8x16.eq(b2, n), i8x16.eq(b3, space)));
    const tooWord = v128.and(i8x16.eq(b1, t), v128.and(i8x16.eq(b2, o), i8x16.eq(b3, o)));
    let places = i8x16.bitmask(v128.and(i8x16.eq(b0, space), v128.or(inWord, tooWord)));
    while (places != 0) {
      const j = q + ctz(places);
      if (j + 4 >= end) return -1;
      const micros = durationAfterWord(data, j + 1, end);
      if (micros >= 0) return micros;
      places &= places - 1;
    }
  }
  return -1;
}
