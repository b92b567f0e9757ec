// Decodes a LineRecord into plain values for exact assertions, and parses a line placed between
// bytes that would complete a truncated line, so a parser reading past `end` shows up.
import { ByteField, LineParser, LineRecord } from '../src/formats/line-record';

/** The record's fields as plain values: byte fields decoded, absent ones null. */
export interface Fields {
  format: string;
  time: string | null;
  level: string | null;
  levelName: string | null;
  status: number;
  method: string | null;
  path: string | null;
  client: string | null;
  userAgent: string | null;
  message: string | null;
  bytesSent: number;
  durationUs: number;
  isRequest: boolean;
  /** The byte fields marked as holding escapes. */
  escaped: string[];
}

/** A record of `format` with nothing parsed. */
export function absentFields(format: string): Fields {
  return {
    format,
    time: null,
    level: null,
    levelName: null,
    status: 0,
    method: null,
    path: null,
    client: null,
    userAgent: null,
    message: null,
    bytesSent: -1,
    durationUs: -1,
    isRequest: false,
    escaped: [],
  };
}

export function fieldsOf(rec: LineRecord): Fields {
  const byteFields: Record<string, ByteField> = {
    level: rec.level,
    method: rec.method,
    path: rec.path,
    client: rec.client,
    userAgent: rec.userAgent,
    message: rec.message,
  };
  const text = (f: ByteField): string | null => (f.present ? rec.buf.toString('utf8', f.start, f.end) : null);
  return {
    format: rec.format,
    time: Number.isNaN(rec.timeMs) ? null : new Date(rec.timeMs).toISOString(),
    level: text(rec.level),
    levelName: rec.levelName,
    status: rec.status,
    method: text(rec.method),
    path: text(rec.path),
    client: text(rec.client),
    userAgent: text(rec.userAgent),
    message: text(rec.message),
    bytesSent: rec.bytesSent,
    durationUs: rec.durationUs,
    isRequest: rec.isRequest,
    escaped: Object.keys(byteFields).filter((name) => byteFields[name].escaped),
  };
}

/** A parse function for one parser: the fields of `line`, or null when the parser rejects it. */
export function parserBetween(parser: LineParser, before: string, after: string): (line: string) => Fields | null {
  const head = Buffer.from(before);
  const tail = Buffer.from(after);
  return (line) => {
    const buf = Buffer.concat([head, Buffer.from(line), tail]);
    const rec = new LineRecord();
    rec.reset(buf);
    return parser(buf, head.length, head.length + Buffer.byteLength(line), rec) ? fieldsOf(rec) : null;
  };
}
