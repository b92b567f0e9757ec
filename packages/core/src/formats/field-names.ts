// The field names structured lines (JSON, logfmt) are read by: which key means which LineRecord
// field, matched on the key's bytes, and how each field's value is read.
//
// Rules shared by every structured format:
// - Keys match exactly, case included (`statusCode` and `status_code` are separate aliases).
// - A value that is empty or `-` is absent, as is JSON null/true/false and any nested object or array.
// - When several keys name one field, the first key with a usable value wins; an unusable value
//   (`"status":"abc"`) leaves the field to a later alias.
// - time: an ISO 8601 text (`2024-01-24T10:15:32.5+00:00`), an access-log time
//   (`10/Oct/2000:13:55:36 -0700`) or epoch seconds or milliseconds, as a number or numeric text;
//   journald's `__REALTIME_TIMESTAMP` is epoch microseconds; any timestamp the event reader knows
//   (PostgreSQL's `2024-01-24 10:15:32.123 UTC`) is read too.
// - level: any text (the consumer folds case), or a pino/bunyan number 10/20/30/40/50/60, which
//   becomes TRACE/DEBUG/INFO/WARN/ERROR/FATAL; journald's `PRIORITY` is a syslog severity 0-7;
//   MongoDB's `s` is a letter, F E W I or D1-D5.
// - status: a 3-digit integer 100-599, as a number or text. bytes: a non-negative integer.
// - duration: a non-negative decimal in the alias's unit, or text with its own unit (`127ms`,
//   `0.5s`, `250us`, `250µs`), converted to integer microseconds. upstream_response_time may be a
//   list (`0.001, 0.002`); its last value counts, as in access logs.
// - path: ends before the first `?` or `#`; an absolute `http(s)://host/p` URL keeps only `/p`.
// - request (`GET /x?y HTTP/1.1`): a method of A-Z, `-`, `_`, a space and a target give method and
//   path, each only where still absent. Anything else (`-`, binary junk) sets neither.
// - method, path, client, user agent, message: JSON strings only, never numbers; a string holding a
//   backslash escape is marked `escaped` for the consumer to decode.
import { parseDurationField } from '../duration';
import { epochEnd, parseEpochTimestamp, parseTimestamp, timestampEnd } from '../timestamp';
import { parseByteCount, parseStatus, parseUpstreamTime, setPath } from './access-log-parser';
import { parseClfTime } from './clf-time';
import { SYSLOG_SEVERITIES } from './event-level';
import { eventTimeEnd, readEventTime } from './event-time';
import type { ByteField, LineRecord } from './line-record';

/** What a key's value fills: a LineRecord field, or two of them (`request`: method and path). */
export type FieldRole =
  | 'time'
  | 'level'
  | 'status'
  | 'method'
  | 'path'
  | 'request'
  | 'client'
  | 'userAgent'
  | 'bytes'
  | 'duration'
  /** A duration in seconds, or a list of them (`0.001, 0.002`) of which the last counts. */
  | 'upstreamTime'
  | 'message';

export interface FieldAlias {
  /** The key, exactly as it appears in the line. */
  readonly name: string;
  readonly field: FieldRole;
  /** Duration aliases, and a time alias in epoch microseconds: the unit of a bare number, in microseconds. */
  readonly unitMicros?: number;
  /**
   * Level aliases whose values are codes, not names (journald's severity digit, MongoDB's letter):
   * the code's level name, or null for a value that is no such code, which then sets no level.
   */
  readonly levelCode?: (buf: Buffer, start: number, end: number) => string | null;
}

const NANOSECONDS = 0.001;
const MICROSECONDS = 1;
const MILLISECONDS = 1000;
const SECONDS = 1_000_000;

/** Every recognised key, grouped by what it fills. */
export const FIELD_ALIASES: readonly FieldAlias[] = [
  { name: 'time', field: 'time' },
  { name: 'timestamp', field: 'time' },
  { name: '@timestamp', field: 'time' },
  { name: 'ts', field: 'time' },
  { name: 'time_local', field: 'time' },
  { name: 'time_iso8601', field: 'time' },
  { name: '__REALTIME_TIMESTAMP', field: 'time', unitMicros: MICROSECONDS }, // journalctl -o json
  { name: 't.$date', field: 'time' }, // MongoDB 4.4+

  { name: 'level', field: 'level' },
  { name: 'severity', field: 'level' },
  { name: 'lvl', field: 'level' },
  { name: 'log.level', field: 'level' }, // Elastic Common Schema, flat or as {"log": {"level": …}}
  { name: 'PRIORITY', field: 'level', levelCode: syslogSeverityName }, // journald: "0"-"7"
  { name: 'error_severity', field: 'level' }, // PostgreSQL's jsonlog
  { name: 's', field: 'level', levelCode: mongoSeverityName }, // MongoDB: "F", "E", "W", "I", "D1"…"D5"

  { name: 'status', field: 'status' },
  { name: 'status_code', field: 'status' },
  { name: 'statusCode', field: 'status' },
  { name: 'http_status', field: 'status' },
  { name: 'response_status', field: 'status' },
  { name: 'res.statusCode', field: 'status' }, // pino-http
  { name: 'http.response.status_code', field: 'status' }, // ECS
  { name: 'DownstreamStatus', field: 'status' }, // Traefik

  { name: 'method', field: 'method' },
  { name: 'request_method', field: 'method' },
  { name: 'http_method', field: 'method' },
  { name: 'req.method', field: 'method' }, // pino-http
  { name: 'http.request.method', field: 'method' }, // ECS
  { name: 'request.method', field: 'method' }, // Caddy
  { name: 'RequestMethod', field: 'method' }, // Traefik

  { name: 'path', field: 'path' },
  { name: 'uri', field: 'path' },
  { name: 'url', field: 'path' },
  { name: 'request_uri', field: 'path' },
  { name: 'request_path', field: 'path' },
  { name: 'req.url', field: 'path' }, // pino-http
  { name: 'url.path', field: 'path' }, // ECS
  { name: 'url.original', field: 'path' },
  { name: 'request.uri', field: 'path' }, // Caddy
  { name: 'RequestPath', field: 'path' }, // Traefik
  { name: 'request', field: 'request' },

  { name: 'remote_addr', field: 'client' },
  { name: 'client_ip', field: 'client' },
  { name: 'clientip', field: 'client' },
  { name: 'ip', field: 'client' },
  { name: 'remote_ip', field: 'client' },
  { name: 'client', field: 'client' },
  { name: 'req.remoteAddress', field: 'client' }, // pino-http
  { name: 'client.ip', field: 'client' }, // ECS
  { name: 'source.ip', field: 'client' },
  { name: 'request.remote_ip', field: 'client' }, // Caddy
  { name: 'request.client_ip', field: 'client' }, // Caddy 2.7+, behind trusted proxies
  { name: 'ClientHost', field: 'client' }, // Traefik

  { name: 'user_agent', field: 'userAgent' },
  { name: 'http_user_agent', field: 'userAgent' },
  { name: 'userAgent', field: 'userAgent' },
  { name: 'ua', field: 'userAgent' },
  { name: 'req.headers.user-agent', field: 'userAgent' }, // pino-http
  { name: 'user_agent.original', field: 'userAgent' }, // ECS
  { name: 'request_User-Agent', field: 'userAgent' }, // Traefik, with headers kept
  { name: 'request.headers.User-Agent', field: 'userAgent' }, // Caddy: an http.Header array

  { name: 'bytes', field: 'bytes' },
  { name: 'bytes_sent', field: 'bytes' },
  { name: 'body_bytes_sent', field: 'bytes' },
  { name: 'response_size', field: 'bytes' },
  { name: 'size', field: 'bytes' },
  { name: 'http.response.body.bytes', field: 'bytes' }, // ECS
  { name: 'DownstreamContentSize', field: 'bytes' }, // Traefik

  { name: 'duration_ms', field: 'duration', unitMicros: MILLISECONDS },
  { name: 'response_time_ms', field: 'duration', unitMicros: MILLISECONDS },
  { name: 'latency_ms', field: 'duration', unitMicros: MILLISECONDS },
  { name: 'elapsed_ms', field: 'duration', unitMicros: MILLISECONDS },
  { name: 'responseTime', field: 'duration', unitMicros: MILLISECONDS }, // pino-http
  { name: 'response_time', field: 'duration', unitMicros: MILLISECONDS },
  { name: 'duration', field: 'duration', unitMicros: MILLISECONDS },
  { name: 'latency', field: 'duration', unitMicros: MILLISECONDS },
  { name: 'elapsed', field: 'duration', unitMicros: MILLISECONDS },
  { name: 'took', field: 'duration', unitMicros: MILLISECONDS },
  { name: 'request_time', field: 'duration', unitMicros: SECONDS }, // nginx $request_time
  { name: 'upstream_response_time', field: 'upstreamTime' }, // nginx; seconds, possibly a list
  { name: 'duration_us', field: 'duration', unitMicros: MICROSECONDS },
  { name: 'Duration', field: 'duration', unitMicros: NANOSECONDS }, // Traefik
  { name: 'duration_ns', field: 'duration', unitMicros: NANOSECONDS },
  { name: 'event.duration', field: 'duration', unitMicros: NANOSECONDS }, // ECS: nanoseconds

  { name: 'msg', field: 'message' },
  { name: 'message', field: 'message' },
  { name: 'MESSAGE', field: 'message' }, // journald
  { name: 'error', field: 'message' },
  { name: 'err', field: 'message' },
];

interface KeyCandidate {
  readonly bytes: Buffer;
  readonly alias: FieldAlias;
}

const MAX_KEY_LENGTH = Math.max(...FIELD_ALIASES.map((alias) => Buffer.byteLength(alias.name)));

/** Candidates grouped by key length, so a key is compared only with names of its own length. */
const CANDIDATES_BY_LENGTH: KeyCandidate[][] = Array.from({ length: MAX_KEY_LENGTH + 1 }, () => []);
for (const alias of FIELD_ALIASES) {
  const bytes = Buffer.from(alias.name, 'latin1');
  CANDIDATES_BY_LENGTH[bytes.length].push({ bytes, alias });
}

/**
 * Dotted aliases name fields of nested objects (`req.url` is `{"req": {"url": …}}`; a flat key with the
 * dot in it matches too). These are the object paths that lead to one, so a scanner descends only
 * into objects that can hold a field (`req`, `http.response`, …) and skips every other one.
 */
const NESTED_PREFIXES: readonly string[] = [
  ...new Set(FIELD_ALIASES.flatMap((alias) => alias.name.split('.').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('.')))),
];
const PREFIXES_BY_LENGTH: Buffer[][] = Array.from({ length: MAX_KEY_LENGTH + 1 }, () => []);
for (const prefix of NESTED_PREFIXES) PREFIXES_BY_LENGTH[Buffer.byteLength(prefix)].push(Buffer.from(prefix, 'latin1'));

/** Whether buf[start, end) is the path of an object that can hold a field (`req`, `http.request`). */
export function isNestedFieldPrefix(buf: Buffer, start: number, end: number): boolean {
  const length = end - start;
  if (length <= 0 || length >= MAX_KEY_LENGTH) return false;
  const candidates = PREFIXES_BY_LENGTH[length];
  for (let c = 0; c < candidates.length; c++) {
    const bytes = candidates[c];
    let i = 0;
    while (i < length && bytes[i] === buf[start + i]) i++;
    if (i === length) return true;
  }
  return false;
}

/** The longest dotted path a field can have; deeper keys never match. */
export const MAX_FIELD_PATH_LENGTH = MAX_KEY_LENGTH;

/**
 * What one line has shown so far that changes how its later values read; a structured parser resets it
 * per line. zap writes `ts` as float epoch seconds and durations as float seconds (its default
 * encoders): after a float `ts`, a bare-number `latency`, `elapsed` or `duration` is in seconds.
 */
export const lineState = { floatSecondsTs: false };

const isZapDurationName = (name: string): boolean => name === 'latency' || name === 'elapsed' || name === 'duration';

function hasDot(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === 0x2e) return true;
  return false;
}

/** The alias whose name is exactly buf[start, end), or null. */
export function lookupFieldAlias(buf: Buffer, start: number, end: number): FieldAlias | null {
  const length = end - start;
  if (length <= 0 || length > MAX_KEY_LENGTH) return null;
  const candidates = CANDIDATES_BY_LENGTH[length];
  for (let c = 0; c < candidates.length; c++) {
    const bytes = candidates[c].bytes;
    let i = 0;
    while (i < length && bytes[i] === buf[start + i]) i++;
    if (i === length) return candidates[c].alias;
  }
  return null;
}

/** How a value was written: JSON strings and every logfmt value are text; JSON numbers are numbers. */
export const TEXT = 0;
/** Text holding at least one backslash escape. */
export const ESCAPED_TEXT = 1;
export const NUMBER = 2;
export type ValueKind = typeof TEXT | typeof ESCAPED_TEXT | typeof NUMBER;

const DASH = 0x2d;
const UNDERSCORE = 0x5f;
const SPACE = 0x20;
const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const DIGIT_0 = 0x30;
/** Longer than any registered HTTP method (UPDATEREDIRECTREF, 17), as the access-log parser allows. */
const MAX_METHOD_LENGTH = 24;

const isMethodByte = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || b === DASH || b === UNDERSCORE;

/** pino and bunyan number their levels 10, 20, …, 60. */
const NUMBERED_LEVEL_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/**
 * Reads buf[start, end), the value of `alias`, into rec unless rec already holds that field.
 * A string value is the text between its quotes, still escaped when kind is ESCAPED_TEXT.
 */
export function applyFieldValue(rec: LineRecord, alias: FieldAlias, buf: Buffer, start: number, end: number, kind: ValueKind): void {
  if (start === end || (end - start === 1 && buf[start] === DASH)) return;
  // Numbers, dates and durations are never written with escapes; such a value is not one of them.
  const isPlain = kind !== ESCAPED_TEXT;
  const isText = kind !== NUMBER;
  switch (alias.field) {
    case 'time':
      if (kind === NUMBER && alias.name === 'ts') lineState.floatSecondsTs = hasDot(buf, start, end);
      if (Number.isNaN(rec.timeMs) && isPlain) rec.timeMs = alias.unitMicros === MICROSECONDS ? epochMicrosAt(buf, start, end) : timeAt(buf, start, end, isText, rec);
      return;
    case 'level':
      if (rec.level.present || rec.levelName !== null) return;
      if (alias.levelCode !== undefined) {
        // A value that is no such code (a bare `s` of some other logger) is not a level.
        rec.levelName = alias.levelCode(buf, start, end);
        return;
      }
      rec.levelName = numberedLevelName(buf, start, end);
      if (rec.levelName === null && isText) rec.level.set(start, end, !isPlain);
      return;
    case 'status':
      // parseStatus answers -1 for "not a status"; the record's absent status is 0.
      if (rec.status === 0 && isPlain) rec.status = Math.max(parseStatus(buf, start, end), 0);
      return;
    case 'bytes':
      // parseByteCount answers NOT_A_COUNT (-2) for "not a count"; the record's absent count is -1.
      if (rec.bytesSent < 0 && isPlain) rec.bytesSent = Math.max(parseByteCount(buf, start, end), -1);
      return;
    case 'duration':
      if (rec.durationUs < 0 && isPlain) {
        const seconds = kind === NUMBER && lineState.floatSecondsTs && isZapDurationName(alias.name);
        rec.durationUs = durationAt(buf, start, end, seconds ? SECONDS : (alias.unitMicros ?? MILLISECONDS));
      }
      return;
    case 'upstreamTime':
      if (rec.durationUs < 0 && isPlain) rec.durationUs = parseUpstreamTime(buf, start, end);
      return;
    case 'path':
      if (isText && !rec.path.present) setEscapedPath(rec.path, buf, start, end, !isPlain);
      return;
    case 'request':
      if (isText) setRequest(rec, buf, start, end, !isPlain);
      return;
    case 'method':
      setText(rec.method, buf, start, end, kind);
      return;
    case 'client':
      setText(rec.client, buf, start, end, kind);
      return;
    case 'userAgent':
      setText(rec.userAgent, buf, start, end, kind);
      return;
    case 'message':
      setText(rec.message, buf, start, end, kind);
      return;
  }
}

function setText(field: ByteField, buf: Buffer, start: number, end: number, kind: ValueKind): void {
  if (!field.present && kind !== NUMBER) field.set(start, end, kind === ESCAPED_TEXT);
}

/**
 * Epoch ms, or NaN. Text may be ISO 8601, an access-log time, any timestamp the event reader knows
 * (`2024-01-24 10:15:32.123 UTC`), or epoch digits; a number is epoch.
 */
function timeAt(buf: Buffer, start: number, end: number, isText: boolean, rec: LineRecord): number {
  if (isText) {
    const iso = parseTimestamp(buf, start, end);
    if (!Number.isNaN(iso) && timestampEnd === end) return iso;
    if (end - start > 2 && buf[start + 2] === SLASH) return parseClfTime(buf, start, end);
    const event = readEventTime(buf, start, end, rec, false);
    if (!Number.isNaN(event) && eventTimeEnd === end) return event;
  }
  const epoch = parseEpochTimestamp(buf, start, end);
  return !Number.isNaN(epoch) && epochEnd === end ? epoch : NaN;
}

/** Epoch ms from epoch microseconds (journald's 16 digits), or NaN. */
function epochMicrosAt(buf: Buffer, start: number, end: number): number {
  if (end - start < 13 || end - start > 17) return NaN;
  let micros = 0;
  for (let i = start; i < end; i++) {
    const digit = buf[i] - DIGIT_0;
    if (digit < 0 || digit > 9) return NaN;
    micros = micros * 10 + digit;
  }
  return Math.floor(micros / 1000);
}

/** MongoDB's severity letter (`D1`…`D5` are debug levels) as its level name; null for other values. */
function mongoSeverityName(buf: Buffer, start: number, end: number): string | null {
  const letter = buf[start];
  if (end - start === 2 && letter === 0x44 && buf[start + 1] >= 0x31 && buf[start + 1] <= 0x35) return 'DEBUG';
  if (end - start !== 1) return null;
  switch (letter) {
    case 0x46: return 'FATAL';
    case 0x45: return 'ERROR';
    case 0x57: return 'WARN';
    case 0x49: return 'INFO';
    case 0x44: return 'DEBUG';
    default: return null;
  }
}

/** A syslog severity digit 0-7 (journald's PRIORITY) as its level name; null for other values. */
function syslogSeverityName(buf: Buffer, start: number, end: number): string | null {
  const severity = buf[start] - DIGIT_0;
  return end - start === 1 && severity >= 0 && severity <= 7 ? SYSLOG_SEVERITIES[severity] : null;
}

function numberedLevelName(buf: Buffer, start: number, end: number): string | null {
  if (end - start !== 2 || buf[start + 1] !== DIGIT_0) return null;
  const tens = buf[start] - DIGIT_0;
  return tens >= 1 && tens <= 6 ? NUMBERED_LEVEL_NAMES[tens - 1] : null;
}

/** Integer microseconds, or -1. */
function durationAt(buf: Buffer, start: number, end: number, unitMicros: number): number {
  const micros = parseDurationField(buf, start, end, unitMicros);
  // Rounding matters only for sub-microsecond units (a bare nanosecond count).
  return micros < 0 ? -1 : Math.round(micros);
}

/** The access-log path rules, keeping `escaped` only when the path itself (not its query) holds one. */
function setEscapedPath(path: ByteField, buf: Buffer, start: number, end: number, escaped: boolean): void {
  setPath(path, buf, start, end);
  if (escaped && path.present) path.escaped = hasBackslash(buf, path.start, path.end);
}

/** `METHOD target[ protocol]`: sets method and path where each is still absent. */
function setRequest(rec: LineRecord, buf: Buffer, start: number, end: number, escaped: boolean): void {
  let i = start;
  while (i < end && isMethodByte(buf[i])) i++;
  const methodEnd = i;
  if (methodEnd === start || methodEnd - start > MAX_METHOD_LENGTH || i >= end || buf[i] !== SPACE) return;
  const targetStart = ++i;
  while (i < end && buf[i] !== SPACE) i++;
  if (i === targetStart) return;
  if (!rec.method.present) rec.method.set(start, methodEnd);
  if (!rec.path.present) setEscapedPath(rec.path, buf, targetStart, i, escaped);
}

function hasBackslash(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === BACKSLASH) return true;
  return false;
}
