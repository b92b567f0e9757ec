// The bench applog with a hostile level mix: every line's level drawn evenly from twelve spellings
// programs write (TRACE … EMERG, with the synonyms ERR, WARNING and CRIT's kin), so about half the
// lines are errors, and each error's message carries ids (an order, a user, a row), as real error
// messages do. The bench's own applog has 12% errors among eight fixed messages: its error-message
// table stays tiny. Here it passes its capacity and evicts on nearly every error line.
import { generateApplog } from '@loganalyzer/core/testing';
import { Random } from '../random';

/** Twelve spellings, drawn evenly: ERR, CRITICAL, FATAL, ALERT, EMERG and ERROR are errors. */
export const LEVEL_MIX_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'WARNING', 'ERROR', 'ERR', 'CRITICAL', 'FATAL', 'ALERT', 'EMERG'] as const;
const ERROR_SPELLINGS = new Set<string>(['ERROR', 'ERR', 'CRITICAL', 'FATAL', 'ALERT', 'EMERG']);

function errorMessage(random: Random): string {
  switch (random.int(0, 4)) {
    case 0:
      return `Timeout talking to inventory for order ${random.int(1, 9_999_999)} after ${random.int(100, 30_000)}ms`;
    case 1:
      return `User ${random.int(1, 2_000_000)} not found`;
    case 2:
      return `Payment ${random.int(1, 9_999_999)} declined: card ending ${String(random.int(0, 9999)).padStart(4, '0')}`;
    case 3:
      return `Lock wait exceeded on table orders row ${random.int(1, 50_000_000)}`;
    default:
      return `Query for tenant ${random.int(1, 40_000)} failed in ${random.int(1, 9000)}ms`;
  }
}

/** `<timestamp> <LEVEL> <message>`: where the level starts and ends in one of the bench applog's lines, or null. */
function levelSpan(text: string): { levelStart: number; levelEnd: number } | null {
  const levelStart = text.indexOf(' ', 11) + 1;
  if (levelStart <= 0) return null;
  let levelEnd = levelStart;
  while (levelEnd < text.length && text.charCodeAt(levelEnd) >= 0x41 && text.charCodeAt(levelEnd) <= 0x5a) levelEnd++;
  return levelEnd > levelStart && text[levelEnd] === ' ' ? { levelStart, levelEnd } : null;
}

export function* generateLevelMixApplog(seed: number): Generator<Buffer> {
  const random = new Random(seed + 104_729);
  for (const line of generateApplog(Number.MAX_SAFE_INTEGER, { seed })) {
    const text = line.toString('latin1');
    const span = levelSpan(text);
    // Malformed, blank and invalid-UTF-8 lines stay as they are (with their INFO, so that a peer's
    // error count, which reads the third field of any line, equals ours).
    if (span === null || /bad bytes|impossible date|truncated time/.test(text)) {
      yield line;
      continue;
    }
    const level = random.pick(LEVEL_MIX_LEVELS);
    const ending = text.endsWith('\r\n') ? '\r\n' : '\n';
    const message = ERROR_SPELLINGS.has(level) ? errorMessage(random) : text.slice(span.levelEnd + 1, text.length - ending.length);
    yield Buffer.from(`${text.slice(0, span.levelStart)}${level} ${message}${ending}`, 'latin1');
  }
}
