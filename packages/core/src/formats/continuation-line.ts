// Whether a line no parser read continues the event above it: a stack trace's frames, `Caused by:`,
// a Python traceback and the exception line that ends it, apt's history fields. Decided by the line's
// own shape, never by the lines before it, so a chunk boundary cannot change the answer and any
// chunking counts the same continuation lines as the single pass.
//   indented:        "\tat org.foo.Bar(Bar.java:12)", "  File \"app.py\", line 3, in <module>"
//   Java:            "at …", "Caused by: …", "Suppressed: …", "... 12 more"
//   Python:          "Traceback (most recent call last):", "During handling of the above exception…",
//                    "The above exception was the direct cause…"
//   an exception:    "java.lang.IllegalStateException: …", "ValueError: …", "KeyboardInterrupt"
//   Ruby:            "app.rb:12:in `charge'", "/usr/lib/ruby/3.1.0/net/http.rb:987:in 'connect'"
//   Go:              "goroutine 1 [running]:", the dump after a panic or klog's fatal line
//   apt history:     "Commandline: …", "Requested-By: …", "Install: …", "Upgrade: …", "Remove: …", …
//   PHP, Monolog:    "#0 /var/www/app.php(12): foo()", "[stacktrace]", "[previous exception]", and
//                    the `"}` that closes Monolog's multi-line context

import { startsWith } from '../text/byte-prefix';

const SPACE = 0x20;
const TAB = 0x09;
const DOT = 0x2e;
const COLON = 0x3a;
const DOLLAR = 0x24;
const UNDERSCORE = 0x5f;
const HASH = 0x23;
const QUOTE = 0x22;
const CLOSE_BRACE = 0x7d;

const PREFIXES = [
  'at ',
  'Caused by:',
  'Suppressed:',
  '...',
  'Traceback (most recent call last):',
  'During handling of the above exception',
  'The above exception was the direct cause',
  'goroutine ',
  // Monolog (Laravel) writes an exception's trace below its line, between these.
  '[stacktrace]',
  '[previous exception]',
  // apt's history.log: the fields of the entry its Start-Date line begins.
  'Commandline: ',
  'Requested-By: ',
  'Install: ',
  'Upgrade: ',
  'Remove: ',
  'Purge: ',
  'Reinstall: ',
  'Downgrade: ',
].map((prefix) => Buffer.from(prefix, 'latin1'));

/** How an exception's class name ends (`IllegalStateException`, `ValueError`, `KeyboardInterrupt`). */
const EXCEPTION_SUFFIXES = ['Exception', 'Error', 'Throwable', 'Interrupt', 'Exit'].map((suffix) => Buffer.from(suffix, 'latin1'));
const MAX_EXCEPTION_NAME = 200;

const isLetter = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isNameByte = (b: number): boolean => isLetter(b) || (b >= 0x30 && b <= 0x39) || b === UNDERSCORE || b === DOT || b === DOLLAR;


function endsWith(buf: Buffer, start: number, end: number, suffix: Buffer): boolean {
  if (end - start < suffix.length) return false;
  const from = end - suffix.length;
  for (let k = 0; k < suffix.length; k++) if (buf[from + k] !== suffix[k]) return false;
  return true;
}

/** A (dotted) class name ending like an exception's, then `:` or the end of the line. */
function isExceptionLine(buf: Buffer, start: number, end: number): boolean {
  if (!isLetter(buf[start])) return false;
  let i = start;
  while (i < end && i - start < MAX_EXCEPTION_NAME && isNameByte(buf[i])) i++;
  if (i < end && buf[i] !== COLON) return false;
  for (const suffix of EXCEPTION_SUFFIXES) if (endsWith(buf, start, i, suffix)) return true;
  return false;
}

const RUBY_FRAME_MARK = Buffer.from(':in ', 'latin1');
const MAX_FRAME_PATH = 400;

/** A Ruby backtrace frame: a path without spaces, `:`, the line number, `:in `. */
function isRubyFrame(buf: Buffer, start: number, end: number): boolean {
  const limit = Math.min(end, start + MAX_FRAME_PATH);
  for (let i = start; i < limit; i++) {
    const b = buf[i];
    if (b === SPACE || b === TAB) return false;
    if (b !== COLON || i === start) continue;
    let j = i + 1;
    while (j < end && buf[j] >= 0x30 && buf[j] <= 0x39) j++;
    if (j > i + 1 && startsWith(buf, j, end, RUBY_FRAME_MARK)) return true;
  }
  return false;
}

/** A PHP stack frame: `#`, the frame's number, a space (`#0 /var/www/app.php(12): foo()`, `#1 {main}`). */
function isPhpFrame(buf: Buffer, start: number, end: number): boolean {
  if (buf[start] !== HASH) return false;
  let i = start + 1;
  while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
  return i > start + 1 && i < end && buf[i] === SPACE;
}

/** `"}` alone (trailing spaces allowed): the end of a context Monolog wrote over several lines. */
function isContextEnd(buf: Buffer, start: number, end: number): boolean {
  if (buf[start] !== QUOTE || buf[start + 1] !== CLOSE_BRACE || start + 2 > end) return false;
  for (let i = start + 2; i < end; i++) if (buf[i] !== SPACE && buf[i] !== TAB) return false;
  return true;
}

/** Whether buf[start, end), a non-blank line no parser accepted, continues the event above it. */
export function isContinuationLine(buf: Buffer, start: number, end: number): boolean {
  const first = buf[start];
  if (first === SPACE || first === TAB) {
    let i = start + 1;
    while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
    // Indentation then text: a control byte after it (a stray \v) is no continuation of anything.
    return i < end && buf[i] > SPACE && buf[i] !== 0x7f;
  }
  for (const prefix of PREFIXES) if (startsWith(buf, start, end, prefix)) return true;
  return isExceptionLine(buf, start, end) || isRubyFrame(buf, start, end) || isPhpFrame(buf, start, end) || isContextEnd(buf, start, end);
}
