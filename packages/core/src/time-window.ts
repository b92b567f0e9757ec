// A job's time window: the lines it analyzes by their own timestamps, [sinceMs, untilMs).
import { AnalyzerError } from './errors';

/** Epoch milliseconds, either end open when absent. */
export interface TimeWindow {
  sinceMs?: number;
  untilMs?: number;
}

/** Throws invalid_argument unless both ends are integers (when given) and since comes before until. */
export function checkWindow({ sinceMs, untilMs }: TimeWindow): void {
  for (const [name, value] of [['sinceMs', sinceMs], ['untilMs', untilMs]] as const) {
    if (value !== undefined && !Number.isSafeInteger(value)) throw new AnalyzerError('invalid_argument', `window.${name} must be an integer (epoch ms), got ${value}`);
  }
  if (sinceMs !== undefined && untilMs !== undefined && sinceMs >= untilMs) {
    throw new AnalyzerError('invalid_argument', `window.sinceMs (${sinceMs}) must be before window.untilMs (${untilMs})`);
  }
}
