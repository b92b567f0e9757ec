// What a parser extracts from one line, as offsets into the line's buffer. One record is reused for
// every line, so parsing allocates nothing; fields a format lacks stay at their "absent" values.

export type FormatName = 'applog' | 'json' | 'combined' | 'common' | 'logfmt' | 'custom' | 'syslog' | 'nginx_error' | 'apache_error' | 'haproxy' | 'elb' | 'alb' | 'uwsgi' | 'squid' | 'envoy' | 'event';
export const FORMAT_NAMES: readonly FormatName[] = ['applog', 'json', 'combined', 'common', 'logfmt', 'custom', 'syslog', 'nginx_error', 'apache_error', 'haproxy', 'elb', 'alb', 'uwsgi', 'squid', 'envoy', 'event'];

/** A byte range [start, end) of the line buffer; `escaped` when it holds JSON escapes to decode. */
export class ByteField {
  start = -1;
  end = -1;
  escaped = false;

  get present(): boolean {
    return this.start >= 0;
  }

  set(start: number, end: number, escaped = false): void {
    this.start = start;
    this.end = end;
    this.escaped = escaped;
  }

  clear(): void {
    this.start = -1;
    this.end = -1;
    this.escaped = false;
  }
}

export class LineRecord {
  buf: Buffer = Buffer.alloc(0);
  format: FormatName = 'applog';
  /** Epoch milliseconds, or NaN. */
  timeMs = NaN;
  /** The level's bytes, any case (ERROR, error, Err…). */
  readonly level = new ByteField();
  /** A level given as a name outright (pino's numeric levels), overriding `level`. */
  levelName: string | null = null;
  /** HTTP status, or 0. */
  status = 0;
  readonly method = new ByteField();
  /** The request path without its query string. */
  readonly path = new ByteField();
  readonly client = new ByteField();
  readonly userAgent = new ByteField();
  /** The program that wrote the line (syslog's TAG or APP-NAME). */
  readonly app = new ByteField();
  readonly message = new ByteField();
  /** Response bytes, or -1. */
  bytesSent = -1;
  /** Request duration in integer microseconds, or -1. */
  durationUs = -1;
  /** The line describes a request (see the README's semantics per format). */
  isRequest = false;
  /**
   * Access-log formats: whether a field may hold C-style escapes (`\xHH`, `\"`) to decode; a parser
   * that saw no backslash in the fields it read clears it, sparing the accumulator a scan of each key.
   */
  mayHoldAccessEscapes = true;
  /**
   * The year and month (1-12) that timestamps without a year (syslog `Jun 14`, logcat `06-14`) are
   * read against: the file's mtime, so every chunk of a file infers the same year. Kept across lines.
   */
  referenceYear = new Date().getUTCFullYear();
  referenceMonth = new Date().getUTCMonth() + 1;

  /** Reads year-less timestamps as of epoch ms `ms` (a file's mtime). */
  setReferenceTime(ms: number): void {
    const at = new Date(ms);
    this.referenceYear = at.getUTCFullYear();
    this.referenceMonth = at.getUTCMonth() + 1;
  }

  reset(buf: Buffer): void {
    this.buf = buf;
    this.timeMs = NaN;
    this.level.clear();
    this.levelName = null;
    this.status = 0;
    this.method.clear();
    this.path.clear();
    this.client.clear();
    this.userAgent.clear();
    this.app.clear();
    this.message.clear();
    this.bytesSent = -1;
    this.durationUs = -1;
    this.isRequest = false;
    this.mayHoldAccessEscapes = true;
  }
}

/** Parses buf[start, end) (no newline, no trailing CR) into rec; false when the line is not of this format. */
export type LineParser = (buf: Buffer, start: number, end: number, rec: LineRecord) => boolean;
