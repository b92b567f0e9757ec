// Compiles an nginx `log_format` string, once, into a parser for the lines it describes: literal bytes
// must match, each variable's value runs up to the next literal, and known variables fill the record.
import { parseDurationField } from '../duration';
import { AnalyzerError } from '../errors';
import { parseTimestamp, timestampEnd } from '../timestamp';
import {
  MICROS_PER_SECOND,
  NOT_A_COUNT,
  closingQuoteAt,
  parseByteCount,
  parseStatus,
  parseUpstreamTime,
  setPath,
  setRequestLine,
  setUnlessDash,
} from './access-log-parser';
import { parseClfTime } from './clf-time';
import type { LineParser, LineRecord } from './line-record';

const SPACE = 0x20;
const PLUS = 0x2b;
const COMMA = 0x2c;
const DASH = 0x2d;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const COLON = 0x3a;
/** Enough for any date up to the year 33658. */
const MAX_EPOCH_SECONDS_DIGITS = 12;

/** What a variable's value sets in the record. */
enum Role {
  Ignored,
  Client,
  TimeLocal,
  TimeIso8601,
  Msec,
  RequestLine,
  Method,
  Path,
  Status,
  Bytes,
  UserAgent,
  DurationSeconds,
  DurationMillis,
  DurationMicros,
  UpstreamTime,
}

/** How far a variable's value runs. */
enum Extent {
  /** To the first byte of the next literal. */
  ToStopByte,
  /** Like ToStopByte, but a space before a `±HHMM` zone is part of the value. */
  TimeLocal,
  /** Like ToStopByte, but the spaces in `0.001, 0.002` and `0.001 : 0.002` are part of the value. */
  UpstreamList,
  /** Between quotes: to the first unescaped '"'. */
  Quoted,
  /** The last segment of the format: to the end of the line. */
  RestOfLine,
}

/**
 * Variables that fill the same field, best first: only the first one the format names is used.
 * `$request_time_ms` and `$request_time_us` are not nginx's; they are this analyzer's names for a
 * response time in milliseconds or microseconds, as in Apache's `%D` or a custom header.
 */
const FIELD_SOURCES: ReadonlyArray<ReadonlyArray<readonly [string, Role]>> = [
  [['remote_addr', Role.Client]],
  [['msec', Role.Msec], ['time_local', Role.TimeLocal], ['time_iso8601', Role.TimeIso8601]],
  [['request_method', Role.Method], ['request', Role.RequestLine]],
  [['request_uri', Role.Path], ['uri', Role.Path], ['request', Role.RequestLine]],
  [['status', Role.Status]],
  [['body_bytes_sent', Role.Bytes], ['bytes_sent', Role.Bytes]],
  [['http_user_agent', Role.UserAgent]],
  [
    ['request_time', Role.DurationSeconds],
    ['request_time_ms', Role.DurationMillis],
    ['request_time_us', Role.DurationMicros],
    ['upstream_response_time', Role.UpstreamTime],
  ],
];

class CompiledVariable {
  constructor(
    readonly name: string,
    readonly role: Role,
    readonly extent: Extent,
    /** The first byte of `suffix`, or -1 when it is empty. */
    readonly stopByte: number,
    /** The literal bytes after the value; empty only for the last segment. */
    readonly suffix: Buffer,
  ) {}
}

type FormatPiece = { literal: string } | { variable: string };

function invalidFormat(problem: string): AnalyzerError {
  return new AnalyzerError('invalid_argument', `invalid nginx log_format: ${problem}`);
}

/**
 * The format's text: as given, or, when it starts with a single quote, the concatenation of the
 * single-quoted strings it consists of, as written in nginx.conf (`'$remote_addr - ' '"$request"'`).
 */
function unquoteFormat(format: string): string {
  const trimmed = format.trim();
  if (!trimmed.startsWith("'")) return format;
  let text = '';
  let i = 0;
  while (i < trimmed.length) {
    if (/\s/.test(trimmed[i])) {
      i++;
      continue;
    }
    if (trimmed[i] !== "'") throw invalidFormat(`unexpected ${JSON.stringify(trimmed[i])} outside quotes at offset ${i}`);
    i++;
    for (;;) {
      if (i >= trimmed.length) throw invalidFormat('unterminated single-quoted string');
      if (trimmed[i] === "'") break;
      if (trimmed[i] === '\\' && trimmed[i + 1] === "'") i++;
      text += trimmed[i++];
    }
    i++;
  }
  return text;
}

const isNameChar = (c: string): boolean => /[A-Za-z0-9_]/.test(c);

/** Splits the format into literals and variable names (`$name` or `${name}`). */
function splitFormat(text: string): FormatPiece[] {
  const pieces: FormatPiece[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$' || i + 1 >= text.length || (text[i + 1] !== '{' && !isNameChar(text[i + 1]))) {
      literal += c;
      i++;
      continue;
    }
    let name: string;
    if (text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) throw invalidFormat(`unclosed "\${" at offset ${i}`);
      name = text.slice(i + 2, close);
      if (name === '' || ![...name].every(isNameChar)) throw invalidFormat(`bad variable name "\${${name}}"`);
      i = close + 1;
    } else {
      let j = i + 1;
      while (j < text.length && isNameChar(text[j])) j++;
      name = text.slice(i + 1, j);
      i = j;
    }
    if (literal !== '') pieces.push({ literal });
    else if (pieces.length > 0) {
      const previous = pieces[pieces.length - 1] as { variable: string };
      throw invalidFormat(`$${previous.variable} and $${name} are adjacent, so where one ends is ambiguous; put a literal between them`);
    }
    literal = '';
    pieces.push({ variable: name });
  }
  if (literal !== '') pieces.push({ literal });
  return pieces;
}

/** The role of each variable name the format uses; names that fill nothing, or lose to a better source, are absent. */
function assignRoles(names: readonly string[]): Map<string, Role> {
  const roles = new Map<string, Role>();
  for (const sources of FIELD_SOURCES) {
    const chosen = sources.find(([name]) => names.includes(name));
    if (chosen !== undefined) roles.set(chosen[0], chosen[1]);
  }
  return roles;
}

function extentOf(name: string, quoted: boolean, suffix: string): Extent {
  if (suffix === '') return Extent.RestOfLine;
  if (quoted) return Extent.Quoted;
  if (name === 'time_local') return Extent.TimeLocal;
  if (name.startsWith('upstream_')) return Extent.UpstreamList;
  return Extent.ToStopByte;
}

function compileFormat(format: string): { prefix: Buffer; variables: CompiledVariable[] } {
  const text = unquoteFormat(format);
  if (text === '') throw invalidFormat('the format is empty');
  if (/[\r\n]/.test(text)) throw invalidFormat('the format contains a line break, which no log line can');
  const pieces = splitFormat(text);
  const names = pieces.flatMap((piece) => ('variable' in piece ? [piece.variable] : []));
  if (names.length === 0) throw invalidFormat('the format names no variables');
  const roles = assignRoles(names);

  const literalAt = (index: number): string => {
    const piece = pieces[index];
    return piece !== undefined && 'literal' in piece ? piece.literal : '';
  };
  const variables: CompiledVariable[] = [];
  pieces.forEach((piece, index) => {
    if (!('variable' in piece)) return;
    const before = literalAt(index - 1);
    const suffix = literalAt(index + 1);
    const quoted = before.endsWith('"') && suffix.startsWith('"');
    // A variable named twice fills its field once, from its first occurrence.
    const role = variables.some((v) => v.name === piece.variable) ? Role.Ignored : (roles.get(piece.variable) ?? Role.Ignored);
    const suffixBytes = Buffer.from(suffix, 'utf8');
    variables.push(new CompiledVariable(piece.variable, role, extentOf(piece.variable, quoted, suffix), suffixBytes.length > 0 ? suffixBytes[0] : -1, suffixBytes));
  });
  return { prefix: Buffer.from(literalAt(0), 'utf8'), variables };
}

function literalMatches(buf: Buffer, i: number, end: number, literal: Buffer): boolean {
  if (end - i < literal.length) return false;
  for (let k = 0; k < literal.length; k++) if (buf[i + k] !== literal[k]) return false;
  return true;
}

/** Whether the space at buf[j] belongs to the value rather than ending it. */
function spaceContinuesValue(extent: Extent, buf: Buffer, valueStart: number, j: number, end: number): boolean {
  if (extent === Extent.TimeLocal) {
    const b = buf[j + 1];
    return j + 2 < end && (b === PLUS || b === DASH) && buf[j + 2] >= 0x30 && buf[j + 2] <= 0x39;
  }
  if (extent === Extent.UpstreamList) {
    const before = j > valueStart ? buf[j - 1] : -1;
    return before === COMMA || (before === COLON && j - 1 > valueStart && buf[j - 2] === SPACE) || (j + 2 < end && buf[j + 1] === COLON && buf[j + 2] === SPACE);
  }
  return false;
}

/** The end of the value that starts at buf[i], or -1 when the line has no end for it. */
function valueEnd(variable: CompiledVariable, buf: Buffer, i: number, end: number): number {
  const extent = variable.extent;
  if (extent === Extent.RestOfLine) return end;
  if (extent === Extent.Quoted) return closingQuoteAt(buf, i, end);
  const stop = variable.stopByte;
  for (let j = i; j < end; j++) {
    if (buf[j] === stop && !(stop === SPACE && spaceContinuesValue(extent, buf, i, j, end))) return j;
  }
  return -1;
}

/**
 * nginx's $msec, seconds since the epoch with a millisecond fraction (`1706091332.123`), filling
 * buf[start, end): epoch milliseconds, digits past the third decimal truncated; NaN otherwise.
 */
function parseEpochSecondsMs(buf: Buffer, start: number, end: number): number {
  let seconds = 0;
  let i = start;
  while (i < end && buf[i] >= DIGIT_0 && buf[i] <= DIGIT_9) seconds = seconds * 10 + (buf[i++] - DIGIT_0);
  if (i === start || i - start > MAX_EPOCH_SECONDS_DIGITS) return NaN;
  let millis = 0;
  if (i < end && buf[i] === DOT) {
    const fractionStart = ++i;
    while (i < end && buf[i] >= DIGIT_0 && buf[i] <= DIGIT_9) {
      if (i - fractionStart < 3) millis = millis * 10 + (buf[i] - DIGIT_0);
      i++;
    }
    if (i === fractionStart) return NaN;
    for (let d = i - fractionStart; d < 3; d++) millis *= 10;
  }
  return i === end ? seconds * 1000 + millis : NaN;
}

/** Sets the record's field from buf[start, end); false when a value the line relies on is malformed. */
function applyValue(role: Role, buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  switch (role) {
    case Role.Client:
      setUnlessDash(rec.client, buf, start, end);
      return true;
    case Role.TimeLocal:
      rec.timeMs = parseClfTime(buf, start, end);
      return !Number.isNaN(rec.timeMs);
    case Role.TimeIso8601:
      rec.timeMs = parseTimestamp(buf, start, end);
      return !Number.isNaN(rec.timeMs) && timestampEnd === end;
    case Role.Msec:
      rec.timeMs = parseEpochSecondsMs(buf, start, end);
      return !Number.isNaN(rec.timeMs);
    case Role.RequestLine:
      setRequestLine(buf, start, end, rec);
      return true;
    case Role.Method:
      rec.method.clear();
      setUnlessDash(rec.method, buf, start, end);
      return true;
    case Role.Path:
      rec.path.clear();
      setPath(rec.path, buf, start, end);
      return true;
    case Role.Status:
      rec.status = parseStatus(buf, start, end);
      return rec.status > 0;
    case Role.Bytes:
      rec.bytesSent = parseByteCount(buf, start, end);
      return rec.bytesSent !== NOT_A_COUNT;
    case Role.UserAgent:
      setUnlessDash(rec.userAgent, buf, start, end);
      return true;
    case Role.DurationSeconds:
      rec.durationUs = parseDurationField(buf, start, end, MICROS_PER_SECOND);
      return true;
    case Role.DurationMillis:
      rec.durationUs = parseDurationField(buf, start, end, 1000);
      return true;
    case Role.DurationMicros:
      rec.durationUs = parseDurationField(buf, start, end, 1);
      return true;
    case Role.UpstreamTime:
      rec.durationUs = parseUpstreamTime(buf, start, end);
      return true;
    default:
      return true;
  }
}

/**
 * Compiles an nginx `log_format` (with or without its surrounding single quotes) into a LineParser.
 * Throws AnalyzerError('invalid_argument') for a format that is empty, names no variables, or puts two
 * variables side by side. The parser returns false for a line that does not match the format, or
 * whose time, status or byte count is malformed; rec may then hold some fields (callers reset it).
 */
export function compileNginxLogFormat(format: string): LineParser {
  const { prefix, variables } = compileFormat(format);
  const count = variables.length;
  // $request fills method and path first so that $request_method or $request_uri can override them.
  const applyOrder = variables
    .map((variable, index) => ({ variable, index }))
    .filter(({ variable }) => variable.role !== Role.Ignored)
    .sort((a, b) => Number(b.variable.role === Role.RequestLine) - Number(a.variable.role === Role.RequestLine))
    .map(({ index }) => index);
  // Reused for every line: where each value starts and ends, found before any is interpreted.
  const valueStarts = new Int32Array(count);
  const valueEnds = new Int32Array(count);

  return (buf, start, end, rec) => {
    if (!literalMatches(buf, start, end, prefix)) return false;
    let i = start + prefix.length;
    for (let v = 0; v < count; v++) {
      const variable = variables[v];
      const stop = valueEnd(variable, buf, i, end);
      if (stop < 0 || !literalMatches(buf, stop, end, variable.suffix)) return false;
      valueStarts[v] = i;
      valueEnds[v] = stop;
      i = stop + variable.suffix.length;
    }
    if (i !== end) return false;

    for (let k = 0; k < applyOrder.length; k++) {
      const v = applyOrder[k];
      if (!applyValue(variables[v].role, buf, valueStarts[v], valueEnds[v], rec)) return false;
    }
    rec.format = 'custom';
    rec.isRequest = true;
    return true;
  };
}
