// --since / --until: an ISO 8601 date or date-time, or a duration before now (`30m`, `2h`, `7d`), as
// epoch milliseconds. A time without an offset is UTC, as the report prints every time.
import { escapeControl } from '@loganalyzer/server-kit';
import { UsageError } from './exit-codes';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const RELATIVE = /^(\d{1,9})([smhdw])$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

function offsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.replace(':', '');
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
  return (zone[0] === '-' ? -1 : 1) * minutes * 60_000;
}

function parseIso(match: RegExpMatchArray): number | null {
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const ms = Date.UTC(...parts, Math.floor(Number(`0.${fraction || '0'}`) * 1000));
  // Date.UTC rolls 2024-02-30 over to March; a date that does not round-trip is not a date.
  const back = new Date(ms);
  const same = [back.getUTCFullYear(), back.getUTCMonth(), back.getUTCDate(), back.getUTCHours(), back.getUTCMinutes(), back.getUTCSeconds()];
  if (same.some((v, i) => v !== parts[i])) return null;
  return ms - offsetMs(zone);
}

/** `flag` names the option in messages. */
export function parseTimeArg(text: string, nowMs: number, flag = '--since'): number {
  const relative = RELATIVE.exec(text);
  if (relative) return nowMs - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  const iso = ISO.exec(text);
  const ms = iso ? parseIso(iso) : null;
  if (ms === null) {
    throw new UsageError(`${flag} ${escapeControl(text)}: give an ISO 8601 time (2024-01-24, 2024-01-24T10:15:00Z, 2024-01-24T10:15+02:00) or a duration before now (30m, 2h, 7d)`);
  }
  return ms;
}

export interface TimeWindow {
  sinceMs?: number;
  untilMs?: number;
}

export function timeWindow(since: string | undefined, until: string | undefined, nowMs: number): TimeWindow {
  const window: TimeWindow = {};
  if (since !== undefined) window.sinceMs = parseTimeArg(since, nowMs, '--since');
  if (until !== undefined) window.untilMs = parseTimeArg(until, nowMs, '--until');
  if (window.sinceMs !== undefined && window.untilMs !== undefined && window.sinceMs >= window.untilMs) {
    throw new UsageError(`--since ${escapeControl(since!)} is not before --until ${escapeControl(until!)}`);
  }
  return window;
}
