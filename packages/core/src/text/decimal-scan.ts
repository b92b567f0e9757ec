// Reading one decimal integer straight from a string, one character code at a time (a sketch text's
// zero count): slicing it out and calling Number() allocates a string. Whole texts of thousands of
// numbers are read from their bytes instead (ascii-bytes.ts).

/** Index just past the digits read by the last successful readDecimal. */
export let decimalEnd = 0;

/**
 * The unsigned decimal integer at text[i], or -1 when there are no digits there, when positive is
 * set and it starts with 0 (so it is at least 1, with no leading zeros), or when it is beyond 2^53.
 */
export function readDecimal(text: string, i: number, positive: boolean): number {
  const start = i;
  let value = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
  }
  if (i === start || (positive && text.charCodeAt(start) === 0x30) || value > Number.MAX_SAFE_INTEGER) return -1;
  decimalEnd = i;
  return value;
}
