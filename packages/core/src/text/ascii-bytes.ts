// The bytes of a serialized text (sketch bins, per-second counts) for the scanners that check and
// read them. A coordinator checks every sketch of every partial it commits, thousands per chunk:
// reading a string's characters one charCodeAt at a time ran at a third of the speed of reading its
// bytes from a typed array, and the copy, one native call per text, costs less than it saves.

/** Texts shorter than this are copied a character at a time (measured: ~130 ns per native write). */
const SHORT_TEXT = 64;
/** Grown to the largest text seen; one per thread, so one scan at a time reads it. */
let scratch = Buffer.allocUnsafe(1 << 16);

/**
 * The text as UTF-8 in a scratch buffer, its `text.length` bytes followed by a 0 byte (a sentinel,
 * so scanners need no bounds test inside a number), or null when the text is not all ASCII. The
 * buffer is reused by the next call: a scan must not call this again (directly or in a visit) while
 * it reads the bytes.
 */
export function asciiBytes(text: string): Buffer | null {
  const length = text.length;
  // A top table's texts are mostly a few bins each, 100,000 of them per partial: for those a native
  // call costs more than copying the characters here.
  if (length < SHORT_TEXT && length < scratch.length) {
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) return null;
      scratch[i] = c;
    }
    scratch[length] = 0;
    return scratch;
  }
  // Three bytes per UTF-16 unit is UTF-8's most, so the write is never cut short and any non-ASCII
  // character makes it longer than the text.
  const room = 3 * text.length + 1;
  if (scratch.length < room) scratch = Buffer.allocUnsafe(Math.max(room, 2 * scratch.length));
  const written = scratch.write(text, 0, 'utf8');
  if (written !== text.length) return null;
  scratch[written] = 0;
  return scratch;
}
