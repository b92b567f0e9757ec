// Application-log lines: `<YYYY-MM-DD> <HH:MM:SS[.fff]> <LEVEL> <message>`, a request when the message
// reports a duration ("processed in 127ms"). Works on bytes and offsets: no string per line. A zone
// abbreviation where the level goes (`UTC`, zone-abbreviations.ts) is no level: the line is not applog.
import { findReportedDuration } from '../duration';
import { parseTimestamp, timestampEnd } from '../timestamp';
import type { LineParser } from './line-record';
import { isZoneKey, MAX_ZONE_LETTERS, ZONE_SHAPES } from './zone-abbreviations';

const SPACE = 0x20;
const MAX_LEVEL_LENGTH = 16;
/** The table itself, not the module's export: one load fewer per line. */
const zoneShapes = ZONE_SHAPES;

/** The fields of the line scanApplogLine accepted last (one object, reused: no allocation per line). */
export const applogLine = { timeMs: 0, levelStart: 0, levelEnd: 0, messageStart: 0, durationUs: -1 };

/** Upper-case letters buf[start, end) packed as zone-abbreviations.ts (and the wasm scanner) pack them. */
function packedLetters(buf: Buffer, start: number, end: number): number {
  let key = 0;
  for (let i = start; i < end; i++) key = key * 32 + (buf[i] - 0x40);
  return key;
}

/** Reads an application-log line into applogLine; false when buf[start, end) is not one. */
export function scanApplogLine(buf: Buffer, start: number, end: number): boolean {
  const time = parseTimestamp(buf, start, end);
  if (Number.isNaN(time)) return false;
  let i = timestampEnd;
  if (i >= end || buf[i] !== SPACE) return false;
  const levelStart = ++i;
  while (i < end && buf[i] >= 0x41 && buf[i] <= 0x5a) i++;
  const levelEnd = i;
  if (levelEnd === levelStart || levelEnd - levelStart > MAX_LEVEL_LENGTH || (i < end && buf[i] !== SPACE)) return false;
  // `… 10:15:32.123 UTC [1234] ERROR:` (PostgreSQL): the word is the time's zone, and the line an event.
  const length = levelEnd - levelStart;
  if (length <= MAX_ZONE_LETTERS && zoneShapes[(length << 5) | (buf[levelEnd - 1] & 31)] === 1 && isZoneKey(packedLetters(buf, levelStart, levelEnd))) return false;
  const line = applogLine;
  line.timeMs = time;
  line.levelStart = levelStart;
  line.levelEnd = levelEnd;
  line.messageStart = Math.min(levelEnd + 1, end);
  line.durationUs = findReportedDuration(buf, line.messageStart, end);
  return true;
}

export const parseApplogLine: LineParser = (buf, start, end, rec) => {
  if (!scanApplogLine(buf, start, end)) return false;
  const line = applogLine;
  rec.format = 'applog';
  rec.timeMs = line.timeMs;
  rec.level.set(line.levelStart, line.levelEnd);
  rec.message.set(line.messageStart, end);
  rec.durationUs = line.durationUs;
  rec.isRequest = line.durationUs >= 0;
  return true;
};
