// Application-log lines: `<YYYY-MM-DD> <HH:MM:SS[.fff]> <LEVEL> <message>`, a request when the message
// reports a duration ("processed in 127ms"). Works on bytes and offsets: no string per line.
import { findReportedDuration } from '../duration';
import { parseTimestamp, timestampEnd } from '../timestamp';
import type { LineParser } from './line-record';

const SPACE = 0x20;
const MAX_LEVEL_LENGTH = 16;

export const parseApplogLine: LineParser = (buf, start, end, rec) => {
  const time = parseTimestamp(buf, start, end);
  if (Number.isNaN(time)) return false;
  let i = timestampEnd;
  if (i >= end || buf[i] !== SPACE) return false;
  const levelStart = ++i;
  while (i < end && buf[i] >= 0x41 && buf[i] <= 0x5a) i++;
  const levelEnd = i;
  if (levelEnd === levelStart || levelEnd - levelStart > MAX_LEVEL_LENGTH || (i < end && buf[i] !== SPACE)) return false;

  rec.format = 'applog';
  rec.timeMs = time;
  rec.level.set(levelStart, levelEnd);
  const messageStart = Math.min(levelEnd + 1, end);
  rec.message.set(messageStart, end);
  rec.durationUs = findReportedDuration(buf, messageStart, end);
  rec.isRequest = rec.durationUs >= 0;
  return true;
};
