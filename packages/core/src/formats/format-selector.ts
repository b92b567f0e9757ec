// Chooses the parser for each line. `auto` looks at a line's first bytes to pick one parser (so a
// file mixing formats works, and a line costs one parse, not one per format); a named format skips
// detection. A line no parser accepts is malformed, counted under the family it looked like.
import { AnalyzerError } from '../errors';
import { parseAccessLine } from './access-log-parser';
import { parseApplogLine } from './applog-parser';
import { unwrapContainerLine, unwrapped } from './container-lines';
import { isContinuationLine } from './continuation-line';
import { parseApacheErrorLine, parseNginxErrorLine } from './error-log-parser';
import { parseEventLine } from './event-line-parser';
import { parseAwsLoadBalancerLine } from './aws-lb-log-parser';
import { readHaproxyHttpLog } from './haproxy-log-parser';
import { parseEnvoyLine } from './envoy-log-parser';
import { parseSquidLine } from './squid-log-parser';
import { parseUwsgiLine } from './uwsgi-log-parser';
import { parseJsonLine } from './json-line-parser';
import type { LineParser, LineRecord } from './line-record';
import { parseLogfmtLine } from './logfmt-parser';
import { compileNginxLogFormat } from './nginx-log-format';
import { parseSyslogLine } from './syslog-parser';

export const NAMED_FORMATS = ['auto', 'applog', 'json', 'combined', 'common', 'logfmt'] as const;
export type NamedFormat = (typeof NAMED_FORMATS)[number];

/** A named format, or a custom format given as an nginx `log_format` string. */
export type FormatOption = NamedFormat | { nginx: string };

/** Where a malformed line is counted: the format it looked like, or why no parser could read it. */
export const MALFORMED_FAMILIES = ['applog', 'json', 'access', 'logfmt', 'custom', 'unknown', 'invalid_utf8', 'oversized'] as const;
export type MalformedFamily = (typeof MALFORMED_FAMILIES)[number];

/** What auto-detection answers for a line without a timestamp that continues the event above it. */
export const CONTINUATION = 'continuation';

/**
 * Parses a line into rec; returns null when it parsed, CONTINUATION for a continuation line (auto
 * only), else the family it is malformed in.
 */
export type SelectedParser = (buf: Buffer, start: number, end: number, rec: LineRecord) => MalformedFamily | typeof CONTINUATION | null;

const SPACE = 0x20;
const TAB = 0x09;
const LESS_THAN = 0x3c;
const OPEN_BRACKET = 0x5b;
const SLASH = 0x2f;
const UPPER_T = 0x54;

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const isLetter = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

function looksLikeApplog(buf: Buffer, i: number, end: number): boolean {
  return end - i >= 10 && isDigit(buf[i]) && isDigit(buf[i + 3]) && buf[i + 4] === 0x2d && buf[i + 7] === 0x2d;
}

/** `key=` at the start of the line: a logfmt key is letters, digits and _ . @ - */
function looksLikeLogfmt(buf: Buffer, i: number, end: number): boolean {
  for (let j = i; j < end && j - i < 64; j++) {
    const b = buf[j];
    if (b === 0x3d) return j > i;
    const keyByte = (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || isDigit(b) || b === 0x5f || b === 0x2e || b === 0x40 || b === 0x2d;
    if (!keyByte) return false;
  }
  return false;
}

/** An access line has ` [` (its time) early on. */
function looksLikeAccess(buf: Buffer, i: number, end: number): boolean {
  const limit = Math.min(end - 1, i + 128);
  for (let j = i; j < limit; j++) if (buf[j] === SPACE && buf[j + 1] === 0x5b) return true;
  return false;
}

function single(parser: LineParser, family: MalformedFamily): SelectedParser {
  return (buf, start, end, rec) => (parser(buf, start, end, rec) ? null : family);
}

// One function per named format for the life of the process, so the analyzer's call to it stays
// monomorphic from chunk to chunk.
const applogOnly = single(parseApplogLine, 'applog');
const jsonOnly = single(parseJsonLine, 'json');
const accessOnly = single(parseAccessLine, 'access');
const logfmtOnly = single(parseLogfmtLine, 'logfmt');

export function selectParser(format: FormatOption = 'auto'): SelectedParser {
  if (typeof format === 'object') return single(compileNginxLogFormat(format.nginx), 'custom');
  switch (format) {
    case 'applog':
      return applogOnly;
    case 'json':
      return jsonOnly;
    case 'combined':
    case 'common':
      return accessOnly;
    case 'logfmt':
      return logfmtOnly;
    case 'auto':
      return autoDetect;
    default:
      throw new AnalyzerError('invalid_argument', `unknown log format "${String(format)}"; expected one of ${NAMED_FORMATS.join(', ')} or an nginx log_format`);
  }
}

const autoDetect: SelectedParser = (buf, start, end, rec) => {
  if (unwrapContainerLine(buf, start, end)) return detectInContainer(rec);
  return detectUnwrapped(buf, start, end, rec);
};

/**
 * The line a container wrote, unwrapped from its CRI or Docker json-file line: detected like any other
 * line, with the wrapper's time when it has none of its own. A line with no format of its own is still
 * an event at the wrapper's time (plain `console.log` output), never malformed; a continuation stays one.
 */
function detectInContainer(rec: LineRecord): MalformedFamily | typeof CONTINUATION | null {
  const inner = unwrapped;
  const wrapperTimeMs = inner.timeMs;
  rec.reset(inner.buf);
  const outcome = detectUnwrapped(inner.buf, inner.start, inner.end, rec);
  if (outcome === CONTINUATION) return outcome;
  if (outcome !== null) {
    rec.reset(inner.buf);
    rec.format = 'event';
    if (inner.end > inner.start) rec.message.set(inner.start, inner.end);
  }
  if (Number.isNaN(rec.timeMs)) rec.timeMs = wrapperTimeMs;
  return null;
}

const detectUnwrapped: SelectedParser = (buf, start, end, rec) => {
  let i = start;
  while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
  if (buf[i] === 0x7b) {
    if (parseJsonLine(buf, start, end, rec)) return null;
    // An indented `{` that is not JSON: Python source in a traceback (`    {}["key"]`), say.
    return i > start && isContinuationLine(buf, start, end) ? CONTINUATION : 'json';
  }
  if (looksLikeApplog(buf, i, end)) {
    if (parseApplogLine(buf, start, end, rec)) return null;
    if (buf[start + 10] === UPPER_T && parseAwsLoadBalancerLine(buf, start, end, rec)) return null;
    // log4j's `,123`, Python's `- WARNING -`, dpkg's lines without a level: events, not applog.
    return parseEventLine(buf, start, end, rec) ? null : 'applog';
  }
  if (parseAccessLine(buf, start, end, rec)) return null;
  if (looksLikeLogfmt(buf, i, end)) {
    rec.reset(rec.buf);
    return parseLogfmtLine(buf, start, end, rec) ? null : 'logfmt';
  }
  return detectEventLine(buf, start, i, end, rec);
};

/**
 * HAProxy, nginx (`access_log syslog:…`, `error_log syslog:…`) and Apache (`CustomLog "|logger"`)
 * log through syslog: a message that is a request or an nginx error line is read as that line would
 * be on its own, keeping the syslog app. A request has no message of its own, as an access line has
 * none; an nginx error line's level is its own.
 */
function readSyslogMessage(buf: Buffer, message: number, end: number, rec: LineRecord): void {
  if (message < 0) return;
  if (isDigit(buf[message])) {
    if (readHaproxyHttpLog(buf, message, end, rec)) {
      rec.message.clear();
      return;
    }
    // The error line's level, time and message replace the syslog ones; the app stays.
    if (buf[message + 4] === SLASH && parseNginxErrorLine(buf, message, end, rec)) return;
  }
  if (parseAccessLine(buf, message, end, rec)) rec.message.clear();
}

/**
 * After the named formats: the formats with more to give than an event (syslog, the nginx and Apache
 * error logs) by their first byte, then any timestamped event, then continuation lines. Each parser
 * here writes to rec only once it has accepted the line, so a refusal leaves rec clean for the next.
 */
function detectEventLine(buf: Buffer, start: number, i: number, end: number, rec: LineRecord): MalformedFamily | typeof CONTINUATION | null {
  const first = buf[start];
  if (first === LESS_THAN || isLetter(first)) {
    if (isLetter(first) && parseAwsLoadBalancerLine(buf, start, end, rec)) return null;
    if (parseSyslogLine(buf, start, end, rec)) {
      readSyslogMessage(buf, rec.message.start, end, rec);
      return null;
    }
  } else if (first === OPEN_BRACKET) {
    if (parseApacheErrorLine(buf, start, end, rec)) return null;
    if (parseUwsgiLine(buf, start, end, rec)) return null;
    if (isDigit(buf[start + 1]) && parseEnvoyLine(buf, start, end, rec)) return null;
  } else if (isDigit(first)) {
    if (buf[start + 4] === SLASH && parseNginxErrorLine(buf, start, end, rec)) return null;
    // HAProxy logging to stdout, without a syslog header.
    if (readHaproxyHttpLog(buf, start, end, rec)) return null;
    if (parseSquidLine(buf, start, end, rec)) return null;
  }
  if (parseEventLine(buf, start, end, rec)) return null;
  if (isContinuationLine(buf, start, end)) return CONTINUATION;
  return looksLikeAccess(buf, i, end) ? 'access' : 'unknown';
}
