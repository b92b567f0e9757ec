// What a log line may carry: strings with their control characters escaped and their length bounded,
// so a hostile path, worker id or error message can neither drive the reader's terminal (pretty
// output prints strings raw) nor grow a line without limit. JSON output escapes control characters
// itself; the bound holds for both.
import { escapeControl } from '../safe-text';

/** Longest string a log field or message keeps, in UTF-16 units (before escaping). */
export const MAX_LOGGED_STRING = 2048;
/** Objects nested deeper than this are logged as "[nested]". */
const MAX_DEPTH = 4;

export function safeLogText(text: string): string {
  const cut = text.length > MAX_LOGGED_STRING ? `${text.slice(0, MAX_LOGGED_STRING)}… (${text.length - MAX_LOGGED_STRING} more)` : text;
  return escapeControl(cut);
}

/** A copy of a log call's fields made safe; an Error becomes {type, message, stack, code?}. */
export function safeLogFields(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return safeLogText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested]';
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      type: value.name,
      message: safeLogText(value.message),
      ...(value.stack !== undefined ? { stack: safeLogText(value.stack) } : {}),
      ...(typeof code === 'string' ? { code: safeLogText(code) } : {}),
    };
  }
  if (Array.isArray(value)) return value.slice(0, 32).map((item) => safeLogFields(item, depth + 1));
  const safe: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) safe[safeLogText(key)] = safeLogFields(field, depth + 1);
  return safe;
}
