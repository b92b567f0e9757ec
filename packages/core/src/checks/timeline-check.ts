// Checks and decodes a serialized timeline before it is merged, so that Timeline.mergeChecked has
// nothing left that can fail: columns of one length, counts, minutes in order, sketches, seconds text.
import { CheckedSeconds, checkSeconds } from '../analytics/second-counts';
import type { CheckedTimeline, SerializedTimeline } from '../analytics/timeline';
import { checkArray, checkCount, checkInteger, checkObject, checkString, decodeSketchOrNull, invalidPartial } from './field-checks';

const MINUTE = 60_000;
const COUNT_COLUMNS = ['requests', 'errors', 'timed', 'duration_us'] as const;

export function checkTimeline(value: unknown, path = 'timeline'): CheckedTimeline {
  const timeline = checkObject(value, path);
  const minutes = checkArray(timeline.minutes, `${path}.minutes`);
  for (const column of [...COUNT_COLUMNS, 'sketches'] as const) {
    const items = checkArray(timeline[column], `${path}.${column}`);
    if (items.length !== minutes.length) {
      throw invalidPartial(`${path}.${column}`, `has ${items.length} items where ${path}.minutes has ${minutes.length}`);
    }
  }
  let previous = -Infinity;
  minutes.forEach((item, i) => {
    const at = (): string => `${path}.minutes[${i}]`;
    const minute = checkInteger(item, at);
    // Serialized minutes are sorted and distinct; a repeated one would be added twice.
    if (minute <= previous) throw invalidPartial(at, `${minute} does not follow ${previous}: minutes must increase`);
    if (minute % MINUTE !== 0) throw invalidPartial(at, `${minute} is not the start of a minute`);
    previous = minute;
  });
  for (const column of COUNT_COLUMNS) {
    (timeline[column] as unknown[]).forEach((n, i) => checkCount(n, () => `${path}.${column}[${i}]`));
  }
  const sketches = (timeline.sketches as unknown[]).map((text, i) => decodeSketchOrNull(text, () => `${path}.sketches[${i}]`));
  const secondsText = checkString(timeline.seconds, `${path}.seconds`);
  let seconds: CheckedSeconds;
  try {
    seconds = checkSeconds(secondsText);
  } catch (err) {
    throw invalidPartial(`${path}.seconds`, `per-second counts do not parse: ${(err as Error).message}`, err);
  }
  return { serialized: timeline as unknown as SerializedTimeline, sketches, seconds };
}
