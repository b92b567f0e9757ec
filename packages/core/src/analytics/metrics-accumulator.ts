// Folds parsed lines into the running metrics of one chunk: counters, per-key counts, sketches and the
// timeline. One accumulator per chunk; result() gives the mergeable PartialMetrics.
import type { FormatName, LineRecord, ByteField } from '../formats/line-record';
import type { MalformedFamily } from '../formats/format-selector';
import { levelAt, LevelInfo, levelInfo } from '../level-names';
import { shortTokenAt } from '../text/short-token';
import { keepFirstSamples, MALFORMED_SAMPLE_BYTES, MalformedSample, PARTIAL_METRICS_VERSION, PartialMetrics, sortKeys } from '../partial-metrics';
import { jsonBlocks } from '../json-parts';
import type { JsonOut } from '../json-parts';
import { HyperLogLog } from './hyperloglog';
import { QuantileSketch } from './quantile-sketch';
import { RunCounter } from './run-counter';
import { SketchKeyCache } from './sketch-key-cache';
import { keepForReuse, reusedTopK } from './table-reuse';
import { Timeline } from './timeline';
import { DEFAULT_TOP_K_CAPACITY, PARTIAL_TOP_ROWS, SerializedTopK, TopK } from './top-k';

/** Keys longer than this are cut (at a character boundary) before they are counted. */
const MAX_KEY_BYTES = { path: 512, client: 64, userAgent: 512, message: 200, app: 64 };

export interface AccumulatorOptions {
  filepath: string;
  topCapacity?: number;
}

function counter(): Map<string, number> {
  return new Map();
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** End of buf[start, end) cut to at most max bytes, not inside a UTF-8 character. */
function cutAt(buf: Buffer, start: number, end: number, max: number): number {
  if (end - start <= max) return end;
  let cut = start + max;
  while (cut > start && (buf[cut] & 0xc0) === 0x80) cut--;
  return cut;
}


/** A JSON string's content with its escapes resolved. */
function decodeEscaped(buf: Buffer, start: number, end: number): string {
  try {
    return JSON.parse(`"${buf.toString('utf8', start, end)}"`) as string;
  } catch {
    return buf.toString('utf8', start, end);
  }
}

function hasBackslash(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === 0x5c) return true;
  return false;
}

const hexValue = (b: number): number => (b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1);

/** Resolves \xHH, \" and \\ as access logs write them; any other backslash is kept. */
export function decodeAccessEscapes(buf: Buffer, start: number, end: number): string {
  const out = Buffer.allocUnsafe(end - start);
  let o = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b === 0x5c && i + 1 < end) {
      const next = buf[i + 1];
      if (next === 0x22 || next === 0x5c) {
        out[o++] = next;
        i++;
        continue;
      }
      if (next === 0x78 && i + 3 < end) {
        const hi = hexValue(buf[i + 2]);
        const lo = hexValue(buf[i + 3]);
        if (hi >= 0 && lo >= 0) {
          out[o++] = hi * 16 + lo;
          i += 3;
          continue;
        }
      }
    }
    out[o++] = b;
  }
  return out.toString('utf8', 0, o);
}

export class MetricsAccumulator {
  private lines = 0;
  private blankLines = 0;
  private continuationLines = 0;
  private outsideWindow = 0;
  private malformedLines = 0;
  private requests = 0;
  private timedRequests = 0;
  private errors = 0;
  private clientErrors = 0;
  private totalUs = 0;
  private minUs = Infinity;
  private maxUs = -Infinity;
  private bytesSent = 0;
  private first = Infinity;
  private last = -Infinity;
  /** Lines per level, indexed by LevelInfo.id. */
  private readonly levelCounts: number[] = [];
  private readonly levelsSeen: LevelInfo[] = [];
  private readonly statuses = new RunCounter<number>();
  private readonly methods = new RunCounter<string>();
  private readonly formats = new RunCounter<FormatName>();
  private readonly malformedByFamily = counter();
  private samples: MalformedSample[] = [];
  private readonly latency = QuantileSketch.empty();
  private readonly uniqueClients = new HyperLogLog();
  private readonly paths: TopK;
  private readonly clients: TopK;
  private readonly userAgents: TopK;
  private readonly errorMessages: TopK;
  private readonly apps: TopK;
  private readonly timeline = new Timeline();
  private readonly sketchKeys = new SketchKeyCache();
  private readonly filepath: string;

  constructor(options: AccumulatorOptions) {
    this.filepath = options.filepath;
    const capacity = options.topCapacity ?? DEFAULT_TOP_K_CAPACITY;
    this.paths = reusedTopK(capacity, true);
    this.clients = reusedTopK(capacity);
    this.userAgents = reusedTopK(capacity);
    // Error messages carry ids (a user, an order, a row): often every one is new. See top-k.ts.
    this.errorMessages = reusedTopK(capacity, false, true);
    this.apps = reusedTopK(capacity);
  }

  addBlank(): void {
    this.lines++;
    this.blankLines++;
  }

  /** A line without a timestamp that continues the event above it (a stack frame, a traceback). */
  addContinuation(): void {
    this.lines++;
    this.continuationLines++;
  }

  /** A line whose own timestamp lies outside the job's time window: counted here and nowhere else. */
  addOutsideWindow(): void {
    this.outsideWindow++;
  }

  addMalformed(family: MalformedFamily, buf: Buffer | null, start: number, end: number, fileOffset: number): void {
    this.lines++;
    this.malformedLines++;
    bump(this.malformedByFamily, family);
    // Keep the earliest samples; later chunks' samples are merged by offset too.
    if (this.samples.length < 10) {
      const text = buf === null ? '' : buf.toString('utf8', start, cutAt(buf, start, end, MALFORMED_SAMPLE_BYTES));
      this.samples.push({ file: this.filepath, offset: fileOffset, text, family });
    }
  }

  /** A line the parser accepted. */
  addRecord(rec: LineRecord): void {
    this.lines++;
    const buf = rec.buf;
    this.accessEscapes = rec.mayHoldAccessEscapes && (rec.format === 'combined' || rec.format === 'common' || rec.format === 'custom');
    this.formats.add(rec.format);

    const time = rec.timeMs;
    const hasTime = !Number.isNaN(time);
    if (hasTime) {
      if (time < this.first) this.first = time;
      if (time > this.last) this.last = time;
    }

    let level: LevelInfo | null = null;
    if (rec.levelName !== null) level = levelInfo(rec.levelName);
    else if (rec.level.present && rec.level.end > rec.level.start) level = levelAt(buf, rec.level.start, rec.level.end);
    if (level !== null) this.countLevel(level);

    const status = rec.status;
    if (status > 0) this.statuses.add(status);
    const isError = (level !== null && level.isError) || status >= 500;
    if (status >= 400 && status < 500) this.clientErrors++;

    // Counter ids in their tables, -1 for none.
    let pathId = -1;
    let sketchKey = 0;
    if (rec.isRequest) {
      this.requests++;
      const method = rec.method;
      if (method.present && method.end > method.start) this.methods.add(method.escaped ? this.keyOf(buf, method, 16) : shortTokenAt(buf, method.start, cutAt(buf, method.start, method.end, 16)));
      if (rec.path.present && rec.path.end > rec.path.start) pathId = this.count(this.paths, buf, rec.path, MAX_KEY_BYTES.path);
      if (rec.bytesSent > 0) this.bytesSent += rec.bytesSent;
      const us = rec.durationUs;
      if (us >= 0) {
        sketchKey = this.countDuration(us);
        if (pathId >= 0) this.paths.recordLatencyAt(pathId, sketchKey);
      }
      if (hasTime) this.timeline.addRequest(time, us, sketchKey);
    }

    if (rec.client.present && rec.client.end > rec.client.start) {
      const f = rec.client;
      // The top-k table holds the hash of the key's bytes; HyperLogLog reuses it.
      this.uniqueClients.addHash(this.clients.hashAt(this.count(this.clients, buf, f, MAX_KEY_BYTES.client)));
    }
    if (rec.userAgent.present && rec.userAgent.end > rec.userAgent.start) this.count(this.userAgents, buf, rec.userAgent, MAX_KEY_BYTES.userAgent);
    const appId = rec.app.present && rec.app.end > rec.app.start ? this.count(this.apps, buf, rec.app, MAX_KEY_BYTES.app) : -1;

    if (isError) {
      this.errors++;
      if (pathId >= 0) this.paths.addErrorLineAt(pathId);
      if (appId >= 0) this.apps.addErrorLineAt(appId);
      if (hasTime) this.timeline.addError(time);
      if (rec.message.present && rec.message.end > rec.message.start) this.count(this.errorMessages, buf, rec.message, MAX_KEY_BYTES.message);
    }
  }

  /**
   * An application-log line (see applog-parser.ts), folded in as addRecord folds one, without a
   * LineRecord between parser and counters: the applog format's fast path. Tests hold the two to
   * identical results.
   */
  addApplogLine(buf: Buffer, timeMs: number, levelStart: number, levelEnd: number, messageStart: number, messageEnd: number, durationUs: number): void {
    this.addApplogFields(buf, timeMs, levelAt(buf, levelStart, levelEnd), messageStart, messageEnd, durationUs);
  }

  /** addApplogLine with the level looked up already (the wasm scanner's columns carry its key). */
  addApplogFields(buf: Buffer, timeMs: number, level: LevelInfo, messageStart: number, messageEnd: number, durationUs: number): void {
    this.lines++;
    this.formats.add('applog');
    if (timeMs < this.first) this.first = timeMs;
    if (timeMs > this.last) this.last = timeMs;
    this.countLevel(level);
    if (durationUs >= 0) {
      this.requests++;
      this.timeline.addRequest(timeMs, durationUs, this.countDuration(durationUs));
    }
    if (level.isError) {
      this.errors++;
      this.timeline.addError(timeMs);
      // Application logs have no escapes: the message's bytes are the key.
      if (messageEnd > messageStart) this.errorMessages.countBytes(buf, messageStart, cutAt(buf, messageStart, messageEnd, MAX_KEY_BYTES.message));
    }
  }

  private countLevel(level: LevelInfo): void {
    const counts = this.levelCounts;
    if (level.id < counts.length && counts[level.id] > 0) counts[level.id]++;
    else this.firstOfLevel(level);
  }

  /** Counts a timed request's duration; returns its sketch key for the other sketches it goes into. */
  private countDuration(us: number): number {
    this.timedRequests++;
    this.totalUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
    // One key per request, shared by the overall, per-minute and per-path sketches.
    const sketchKey = this.sketchKeys.keyOfMicros(us);
    this.latency.addKey(sketchKey);
    return sketchKey;
  }

  private firstOfLevel(level: LevelInfo): void {
    while (this.levelCounts.length <= level.id) this.levelCounts.push(0);
    this.levelCounts[level.id] = 1;
    this.levelsSeen.push(level);
  }

  /** Counts the field's key in top; its counter id. */
  private count(top: TopK, buf: Buffer, f: ByteField, maxBytes: number): number {
    // Escaped strings are decoded first, so "a\/b" and "a/b" (JSON), or nginx's "B\xC3\xBC" and
    // "Bü", are one key whatever format logged them.
    if (f.escaped) return top.countString(this.keyOf(buf, f, maxBytes));
    if (this.accessEscapes && hasBackslash(buf, f.start, f.end)) return top.countString(decodeAccessEscapes(buf, f.start, f.end).slice(0, maxBytes));
    return top.countBytes(buf, f.start, cutAt(buf, f.start, f.end, maxBytes));
  }

  /** Set per line: access logs escape quotes and bytes C-style (nginx \xHH, Apache \" and \xhh). */
  private accessEscapes = false;

  private keyOf(buf: Buffer, f: ByteField, maxBytes: number): string {
    if (f.escaped) return decodeEscaped(buf, f.start, f.end).slice(0, maxBytes);
    return buf.toString('utf8', f.start, cutAt(buf, f.start, f.end, maxBytes));
  }

  /**
   * Hands the top tables to the thread's next accumulator (table-reuse.ts) once this one's result is
   * written: it must not be used again.
   */
  release(): void {
    this.released = true;
    for (const table of [this.paths, this.clients, this.userAgents, this.errorMessages, this.apps]) keepForReuse(table);
  }

  private released = false;

  result(bytes: number): PartialMetrics {
    return this.partial(bytes, (table) => table.serialize(PARTIAL_TOP_ROWS));
  }

  /**
   * result(bytes) as jsonBlocks writes it, the top tables' rows written straight from the tables:
   * their tuples, most of a partial's objects, never exist.
   */
  resultJson(bytes: number): Uint8Array[] {
    const writers = new Map<object, (out: JsonOut) => void>();
    const partial = this.partial(
      bytes,
      (table) => {
        const entries: SerializedTopK['entries'] = [];
        writers.set(entries, (out) => table.writeEntriesJson(PARTIAL_TOP_ROWS, out));
        return { ...table.serializedHead(), entries };
      },
      (timeline) => {
        const seconds = {};
        writers.set(seconds, (out) => timeline.writeSecondsJson(out));
        return timeline.serializeWith(seconds as string);
      },
    );
    return jsonBlocks(partial, writers);
  }

  private partial(bytes: number, serializeTop: (table: TopK) => SerializedTopK, serializeTimeline = (timeline: Timeline) => timeline.serialize()): PartialMetrics {
    if (this.released) throw new Error('this accumulator was released: its tables belong to another now');
    const statuses: Record<string, number> = {};
    for (const [status, n] of [...this.statuses.entries()].sort((a, b) => a[0] - b[0])) statuses[String(status)] = n;
    const levels: Record<string, number> = {};
    for (const level of this.levelsSeen) levels[level.name] = this.levelCounts[level.id];
    return {
      version: PARTIAL_METRICS_VERSION,
      lines: this.lines,
      blank_lines: this.blankLines,
      continuation_lines: this.continuationLines,
      outside_window: this.outsideWindow,
      bytes,
      malformed_lines: this.malformedLines,
      request_count: this.requests,
      timed_requests: this.timedRequests,
      error_count: this.errors,
      client_errors: this.clientErrors,
      total_response_time_us: this.totalUs,
      min_response_time_us: this.minUs === Infinity ? null : this.minUs,
      max_response_time_us: this.maxUs === -Infinity ? null : this.maxUs,
      bytes_sent: this.bytesSent,
      levels: sortKeys(levels),
      statuses,
      methods: sortKeys(Object.fromEntries(this.methods.entries())),
      formats: sortKeys(Object.fromEntries(this.formats.entries())),
      malformed_by_family: sortKeys(Object.fromEntries(this.malformedByFamily)),
      malformed_samples: keepFirstSamples(this.samples),
      first_timestamp_ms: this.first === Infinity ? null : this.first,
      last_timestamp_ms: this.last === -Infinity ? null : this.last,
      latency: this.latency.count === 0 ? null : this.latency.serialize(),
      unique_clients: this.uniqueClients.serialize(),
      top: {
        paths: serializeTop(this.paths),
        clients: serializeTop(this.clients),
        user_agents: serializeTop(this.userAgents),
        error_messages: serializeTop(this.errorMessages),
        apps: serializeTop(this.apps),
      },
      timeline: serializeTimeline(this.timeline),
    };
  }
}
