// IANA time-zone names after a timestamp: PHP's error log writes its date.timezone there
// (`[24-Jan-2024 11:16:11 Europe/Berlin] PHP Warning: …`). A name's offset depends on the instant
// (summer time), so it comes from the tz data Node's Intl carries, for the local time read: asked
// once per zone and local hour, since zones change their offset on the hour (a zone that changes on
// the half hour, Lord Howe, would be read with the hour's first offset for that half hour).

const UNDERSCORE = 0x5f;
const SLASH = 0x2f;
const DASH = 0x2d;
const PLUS = 0x2b;
/** `America/Argentina/ComodRivadavia` is the longest name in the database. */
const MAX_NAME = 40;
const HOUR = 3_600_000;
const CACHE_LIMIT = 4096;

const isLetter = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isNameByte = (b: number): boolean => isLetter(b) || (b >= 0x30 && b <= 0x39) || b === UNDERSCORE || b === SLASH || b === DASH || b === PLUS;

/** The end of an `Area/Location` name at i (a capital, letters, a `/`, more), or -1. */
export function zoneNameEnd(buf: Buffer, i: number, end: number): number {
  if (!(buf[i] >= 0x41 && buf[i] <= 0x5a)) return -1;
  let j = i;
  let slash = false;
  while (j < end && j - i < MAX_NAME && isNameByte(buf[j])) {
    if (buf[j] === SLASH) slash = true;
    j++;
  }
  return slash && buf[j - 1] !== SLASH && j - i < MAX_NAME ? j : -1;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();
const offsets = new Map<string, number | null>();

function formatterOf(zone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      formatter = null; // not a zone Intl knows
    }
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The zone's offset east of UTC in ms at the instant utcMs. */
function offsetAt(formatter: Intl.DateTimeFormat, utcMs: number): number {
  const part: Record<string, number> = {};
  for (const { type, value } of formatter.formatToParts(utcMs)) part[type] = Number(value);
  const wall = Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The offset east of UTC in ms of the zone named `zone` when its clocks read localMs (a wall time
 * written as if UTC), or null when Intl knows no such zone. A wall time that a summer-time change
 * repeats is read as its first occurrence; one it skips, with the offset after the change.
 */
export function zoneNameOffset(zone: string, localMs: number): number | null {
  const key = `${zone} ${Math.floor(localMs / HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const formatter = formatterOf(zone);
    if (formatter === null) offset = null;
    else {
      const guess = offsetAt(formatter, localMs);
      offset = offsetAt(formatter, localMs - guess);
    }
    if (offsets.size >= CACHE_LIMIT) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}
