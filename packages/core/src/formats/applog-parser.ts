// Application-log lines: `<YYYY-MM-DD> <HH:MM:SS[.fff]> <LEVEL> <message>`, a request when the message
// reports a duration ("processed in 127ms"). Works on bytes and offsets: no string per line.
import { findReportedDuration } from '../duration';
import { parseTimestamp, timestampEnd } from '../timestamp';
import type { LineParser } from './line-record';

const SPACE = 0x20;
const MAX_LEVEL_LENGTH = 16;

/** The fields of the line scanApplogLine accepted last (one object, reused: no allocation per line). */
export const applogLine = { timeMs: 0, levelStart: 0, levelEnd: 0, messageStart: 0, durationUs: -1 };

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
