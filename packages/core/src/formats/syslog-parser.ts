// Syslog lines as files hold them: RFC 3164 (`Jun 14 15:16:01 combo sshd[19939]: message`, with or
// without a leading `<PRI>`) and RFC 5424 (`<34>1 2024-01-24T10:15:32.123Z host app 123 ID47 [sd] msg`).
// The level is the PRI's severity; without a PRI, a level word ending in `:` at the start of the
// message (`sshd[1]: error: …`). RFC 3164 has no year: it is inferred as event-time.ts says.
import { eventTimeEnd, readEventTime } from './event-time';
import { findLevel, levelEnd, messageStart, SYSLOG_SEVERITIES } from './event-level';
import type { LineParser, LineRecord } from './line-record';

const SPACE = 0x20;
const QUOTE = 0x22;
const DASH = 0x2d;
const COLON = 0x3a;
const LESS_THAN = 0x3c;
const GREATER_THAN = 0x3e;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const DIGIT_0 = 0x30;
const MAX_PRI = 191;
/** RFC 3164 caps the tag at 32 characters; real tags (`sshd(pam_unix)`) stay well under 64. */
const MAX_TAG = 64;

const isDigit = (b: number): boolean => b >= DIGIT_0 && b <= DIGIT_0 + 9;
const isLetter = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

function tokenEnd(buf: Buffer, i: number, end: number): number {
  while (i < end && buf[i] !== SPACE) i++;
  return i;
}

/** Index past RFC 5424 structured data at i (`-` or one or more `[id k="v"]`), or -1. */
function structuredDataEnd(buf: Buffer, i: number, end: number): number {
  if (buf[i] === DASH) return i + 1;
  if (buf[i] !== OPEN_BRACKET) return -1;
  while (i < end && buf[i] === OPEN_BRACKET) {
    let quoted = false;
    i++;
    for (; i < end; i++) {
      const b = buf[i];
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) quoted = !quoted;
      else if (b === CLOSE_BRACKET && !quoted) break;
    }
    if (i >= end) return -1;
    i++;
  }
  return i;
}

/** `<34>1 TIMESTAMP HOST APP PROCID MSGID SD [MSG]` from i, just past the version's space. */
function parse5424(buf: Buffer, i: number, end: number, rec: LineRecord, severity: number): boolean {
  let timeMs = NaN;
  if (buf[i] === DASH) i++;
  else {
    timeMs = readEventTime(buf, i, end, rec, false);
    if (Number.isNaN(timeMs)) return false;
    i = eventTimeEnd;
  }
  // HOSTNAME APP-NAME PROCID MSGID: four tokens, each a word or `-`.
  let appStart = -1;
  let appEnd = -1;
  for (let field = 0; field < 4; field++) {
    if (i >= end || buf[i] !== SPACE) return false;
    const fieldEnd = tokenEnd(buf, i + 1, end);
    if (fieldEnd === i + 1) return false;
    if (field === 1 && !(fieldEnd === i + 2 && buf[i + 1] === DASH)) {
      appStart = i + 1;
      appEnd = fieldEnd;
    }
    i = fieldEnd;
  }
  if (i >= end || buf[i] !== SPACE) return false;
  const sdEnd = structuredDataEnd(buf, i + 1, end);
  if (sdEnd < 0 || (sdEnd < end && buf[sdEnd] !== SPACE)) return false;
  let message = Math.min(sdEnd + 1, end);
  // A UTF-8 message may start with a byte order mark.
  if (end - message >= 3 && buf[message] === 0xef && buf[message + 1] === 0xbb && buf[message + 2] === 0xbf) message += 3;
  rec.format = 'syslog';
  rec.timeMs = timeMs;
  rec.levelName = SYSLOG_SEVERITIES[severity];
  rec.message.set(message, end);
  if (appStart >= 0) rec.app.set(appStart, appEnd);
  return true;
}

/** `Mmm dd HH:MM:SS HOST TAG[PID]: MSG` (or `TAG: MSG`) at i. */
function parse3164(buf: Buffer, i: number, end: number, rec: LineRecord, severity: number): boolean {
  if (!isLetter(buf[i])) return false;
  const timeMs = readEventTime(buf, i, end, rec, false);
  if (Number.isNaN(timeMs) || eventTimeEnd >= end || buf[eventTimeEnd] !== SPACE) return false;
  const hostEnd = tokenEnd(buf, eventTimeEnd + 1, end);
  if (hostEnd === eventTimeEnd + 1 || hostEnd >= end) return false;
  const tagStart = hostEnd + 1;
  let j = tagStart;
  while (j < end && j - tagStart < MAX_TAG && buf[j] !== OPEN_BRACKET && buf[j] !== COLON && buf[j] !== SPACE) j++;
  if (j === tagStart || j >= end) return false;
  const tagEnd = j;
  if (buf[j] === OPEN_BRACKET) {
    j++;
    while (j < end && buf[j] !== CLOSE_BRACKET && buf[j] !== SPACE) j++;
    if (j + 1 >= end || buf[j] !== CLOSE_BRACKET) return false;
    j++;
  }
  if (buf[j] !== COLON) return false;
  const message = messageStart(buf, j + 1, end);
  rec.format = 'syslog';
  rec.timeMs = timeMs;
  rec.app.set(tagStart, tagEnd);
  if (severity >= 0) {
    rec.levelName = SYSLOG_SEVERITIES[severity];
    rec.message.set(message, end);
  } else {
    const level = findLevel(buf, message, end, 1);
    rec.levelName = level;
    rec.message.set(level === null ? message : messageStart(buf, levelEnd, end), end);
  }
  return true;
}

export const parseSyslogLine: LineParser = (buf, start, end, rec) => {
  if (buf[start] !== LESS_THAN) return parse3164(buf, start, end, rec, -1);
  let i = start + 1;
  let pri = 0;
  while (i < end && i - start <= 3 && isDigit(buf[i])) pri = pri * 10 + (buf[i++] - DIGIT_0);
  if (i === start + 1 || i >= end || buf[i] !== GREATER_THAN || pri > MAX_PRI) return false;
  i++;
  const severity = pri & 7;
  if (end - i >= 2 && buf[i] === 0x31 && buf[i + 1] === SPACE) return parse5424(buf, i + 2, end, rec, severity);
  return parse3164(buf, i, end, rec, severity);
};
