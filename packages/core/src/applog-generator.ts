// Deterministic application logs for tests, demos and benchmarks, with the nasty cases mixed in:
// malformed and blank lines, CRLF endings, multi-byte and invalid UTF-8, every duration unit.
import { writeLogFile } from './log-generators';
import { mulberry32 } from './seeded-random';

export interface ApplogGeneratorOptions {
  seed?: number;
  /** Epoch ms of the first line. */
  startTime?: number;
  /** Include malformed, blank, CRLF and invalid-UTF-8 lines (default true). */
  nasty?: boolean;
  /** Lines' timestamps move on by 0 to stepMs - 1 ms each (default 250: ~8 lines a second; 2: ~2,000). */
  stepMs?: number;
}


const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function formatTime(ms: number, withMillis: boolean): string {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return withMillis ? `${date} ${time}.${pad(d.getUTCMilliseconds(), 3)}` : `${date} ${time}`;
}

/** A generator of log lines (each with its newline), as Buffers. */
export function* generateApplog(lineCount: number, options: ApplogGeneratorOptions = {}): Generator<Buffer> {
  const random = mulberry32(options.seed ?? 1);
  const nasty = options.nasty ?? true;
  let time = options.startTime ?? Date.UTC(2024, 0, 24, 10, 15, 32, 123);
  const stepMs = options.stepMs ?? 250;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  for (let n = 0; n < lineCount; n++) {
    time += Math.floor(random() * stepMs);
    const stamp = formatTime(time, random() < 0.9);
    const roll = random();
    let line: string;
    if (nasty && roll < 0.01) {
      line = pick(['garbage line without a timestamp', '2024-13-45 99:99:99 INFO impossible date', '2024-01-24 10:15 INFO truncated time', `${stamp} lowercase level`, '{"not":"an applog line"}']);
    } else if (nasty && roll < 0.015) {
      line = pick(['', '   ', '\t']);
    } else if (roll < 0.6) {
      const ms = Math.floor(Math.exp(random() * 7));
      const duration = pick([`${ms}ms`, `${ms}ms`, `${ms}ms`, `${(ms / 1000).toFixed(3)}s`, `${ms * 1000}us`, `${ms * 1000}µs`, `${ms}.${Math.floor(random() * 1000)} ms`]);
      line = `${stamp} INFO Request processed in ${duration}`;
    } else if (roll < 0.7) {
      line = `${stamp} ERROR ${pick(['Database connection failed', 'Upstream timed out', 'Request failed in 3000ms', 'Überlauf im Puffer — 缓冲区'])}`;
    } else if (roll < 0.72) {
      line = `${stamp} ${pick(['FATAL', 'CRITICAL'])} ${pick(['Out of memory', 'Disk full'])}`;
    } else if (roll < 0.85) {
      line = `${stamp} WARN ${pick(['Slow query', 'Retrying in 5s', 'Cache miss for key ü'])}`;
    } else {
      line = `${stamp} ${pick(['DEBUG', 'INFO', 'TRACE'])} ${pick(['Cache hit', 'User logged in', 'Heartbeat took 2ms', 'Scheduled job started'])}`;
    }
    const ending = nasty && random() < 0.05 ? '\r\n' : '\n';
    if (nasty && random() < 0.002) {
      // A well-formed prefix followed by bytes that are not UTF-8.
      yield Buffer.concat([Buffer.from(`${stamp} INFO bad bytes `), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(ending)]);
    } else {
      yield Buffer.from(line + ending);
    }
  }
}

/** Writes `lineCount` generated lines to a file, in batches, and returns the bytes written. */
export function writeApplogFile(filepath: string, lineCount: number, options: ApplogGeneratorOptions = {}): number {
  return writeLogFile(filepath, generateApplog(lineCount, options));
}
