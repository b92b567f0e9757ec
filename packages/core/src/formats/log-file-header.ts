// The lines some programs write once at the top of each log file, before any event: Ruby's Logger
// (`# Logfile created on 2024-01-24 10:15:30 +0000 by logger.rb/v1.5.0`) and glog (`Log file created
// at: 2024/01/24 10:15:30`, then the machine, the running time and the line format). They are not
// garbage, so they are read as events without a level (the created-at ones with their time) rather
// than counted malformed in every file such a program writes.
import { readEventTime } from './event-time';
import type { LineRecord } from './line-record';
import { startsWith } from '../text/byte-prefix';

interface Header {
  prefix: Buffer;
  /** A timestamp follows the prefix. */
  timed: boolean;
}

const HEADERS: readonly Header[] = [
  { prefix: '# Logfile created on ', timed: true },
  { prefix: 'Log file created at: ', timed: true },
  { prefix: 'Running on machine: ', timed: false },
  { prefix: 'Running duration (h:mm:ss): ', timed: false },
  { prefix: 'Log line format: ', timed: false },
].map(({ prefix, timed }) => ({ prefix: Buffer.from(prefix, 'latin1'), timed }));

/** The first bytes of every header, for a one-comparison refusal of other lines. */
const FIRST_BYTES = new Set(HEADERS.map((h) => h.prefix[0]));


/** Reads buf[start, end) into rec as a header event when it is one of the known header lines. */
export function parseLogFileHeader(buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  if (!FIRST_BYTES.has(buf[start])) return false;
  for (const { prefix, timed } of HEADERS) {
    if (!startsWith(buf, start, end, prefix)) continue;
    const timeMs = timed ? readEventTime(buf, start + prefix.length, end, rec, false) : NaN;
    if (timed && Number.isNaN(timeMs)) return false;
    rec.format = 'event';
    rec.timeMs = timeMs;
    rec.message.set(start, end);
    return true;
  }
  return false;
}
