// The timeline fed out of time order: the same events in any order serialize exactly as in order,
// whatever the live minute budget forces it to pack, and the budget bounds the unpacked sketches.
import { analyzeFilePartial } from '../src/analyze';
import { SerializedTimeline, Timeline, TimelineOptions } from '../src/analytics/timeline';
import { generateApplog } from '../src/applog-generator';
import { checkTimeline } from '../src/checks/timeline-check';
import { mulberry32, Random, randomInt, shuffled, thrownBy, useTempDir } from './helpers';

const temp = useTempDir();
const T0 = Date.UTC(2024, 0, 24, 10, 15, 0);
const MINUTE = 60_000;

type Event = { kind: 'request'; at: number; durationUs: number } | { kind: 'error'; at: number };

function play(events: readonly Event[], options?: TimelineOptions): Timeline {
  const timeline = new Timeline(options);
  for (const e of events) {
    if (e.kind === 'request') timeline.addRequest(e.at, e.durationUs);
    else timeline.addError(e.at);
  }
  return timeline;
}

/** Events over `minutes` minutes from T0, in time order, with durations from 50 µs to ~20 s. */
function eventsInOrder(random: Random, count: number, minutes: number): Event[] {
  const times = Array.from({ length: count }, () => T0 + Math.floor(random() * minutes * MINUTE)).sort((a, b) => a - b);
  return times.map((at): Event => {
    if (random() < 0.1) return { kind: 'error', at };
    return { kind: 'request', at, durationUs: random() < 0.2 ? -1 : Math.floor(50 * Math.exp(random() * 13)) };
  });
}

/** Apache's order: each request written at its end, so its start time runs backwards by its duration. */
function inEndOrder(events: readonly Event[]): Event[] {
  const end = (e: Event): number => e.at + (e.kind === 'request' ? Math.max(0, e.durationUs) / 1000 : 0);
  return [...events].sort((a, b) => end(a) - end(b));
}

function serializedWith(events: readonly Event[], options?: TimelineOptions): { timeline: SerializedTimeline; peak: ReturnType<Timeline['peakSecond']> } {
  const timeline = play(events, options);
  return { timeline: timeline.serialize(), peak: timeline.peakSecond() };
}

it.each([1, 2, 3, 4, 5])('serializes events in random order exactly as in order, with or without packing (seed %i)', (seed) => {
  const random = mulberry32(seed);
  // 300 minutes, more than the recent-bucket cache's 256 slots, so some lookups go to the map.
  const events = eventsInOrder(random, 12_000, 300);
  const expected = serializedWith(events);
  expect(expected.timeline.minutes.length).toBe(300);
  const reordered = [shuffled(random, events), inEndOrder(events)];
  const budgets: TimelineOptions[] = [{}, { liveMinutes: 1 }, { liveMinutes: 7 }, { liveMinutes: randomInt(random, 20, 299) }];
  for (const order of reordered) {
    for (const options of budgets) expect({ options, ...serializedWith(order, options) }).toStrictEqual({ options, ...expected });
  }
  // A small budget in time order packs too: each minute's sketch packed once, when it falls out.
  expect(serializedWith(events, { liveMinutes: 1 })).toStrictEqual(expected);
});

it('merges shards fed out of order into exactly the single pass in order, with the merged total under a small budget', () => {
  const random = mulberry32(9);
  const events = eventsInOrder(random, 20_000, 120);
  const expected = play(events).serialize();
  const shards: Event[][] = Array.from({ length: 6 }, () => []);
  for (const e of shuffled(random, events)) shards[randomInt(random, 0, 5)].push(e);
  const direct = new Timeline({ liveMinutes: 5 });
  for (const shard of shards) direct.mergeChecked(checkTimeline(play(shard, { liveMinutes: 3 }).serialize()));
  const objects = new Timeline({ liveMinutes: 5 });
  for (const shard of shards) objects.merge(play(shard, { liveMinutes: 200 }));
  expect([direct.unpackedMinutes() <= 5, objects.unpackedMinutes() <= 5]).toStrictEqual([true, true]);
  expect([direct.serialize(), objects.serialize()]).toStrictEqual([expected, expected]);
});

it('never holds more unpacked sketches than the live minute budget, packs an eighth of them past it, and none while the minutes fit it', () => {
  const random = mulberry32(3);
  // Timed requests only: each touch then unpacks its minute's sketch, so a full budget is exactly full.
  const events = shuffled(random, eventsInOrder(random, 20_000, 500)).filter((e) => e.kind === 'request' && e.durationUs >= 0);
  const tight = new Timeline({ liveMinutes: 16 });
  const roomy = new Timeline({ liveMinutes: 500 });
  let mostUnpacked = 0;
  events.forEach((e, i) => {
    for (const timeline of [tight, roomy]) {
      if (e.kind === 'request') timeline.addRequest(e.at, e.durationUs);
      else timeline.addError(e.at);
    }
    if (i % 500 === 0) mostUnpacked = Math.max(mostUnpacked, tight.unpackedMinutes());
  });
  // The tight timeline filled its budget, never more; past it, it packs its least recent eighth at
  // once, so it holds 14 to 16 unpacked. The roomy one packed nothing.
  const now = tight.unpackedMinutes();
  expect([mostUnpacked, now >= 14 && now <= 16, roomy.unpackedMinutes()]).toStrictEqual([16, true, 500]);
  expect(tight.serialize()).toStrictEqual(roomy.serialize());
});

it('keeps the minutes touched last unpacked: a minute revisited within the budget is never packed', () => {
  const timeline = new Timeline({ liveMinutes: 2 });
  timeline.addRequest(T0, 1_000);
  timeline.addRequest(T0 + MINUTE, 1_000);
  timeline.addRequest(T0, 2_000); // T0 is now the most recent, T0 + 1 minute the least
  timeline.addRequest(T0 + 2 * MINUTE, 1_000); // packs T0 + 1 minute, the least recently touched
  const packed = timeline.minuteBuckets().map(([minute, b]) => [minute - T0, b.sketch?.isPacked]);
  expect(packed).toStrictEqual([
    [0, false],
    [MINUTE, true],
    [2 * MINUTE, false],
  ]);
});

it('past the budget, packs the least recently touched eighth at once, and hands their seconds on exactly', () => {
  const timeline = new Timeline({ liveMinutes: 16 });
  for (let m = 0; m < 16; m++) timeline.addRequest(T0 + m * MINUTE + 1_500, 1_000);
  timeline.addRequest(T0 + 1_500, 2_000); // minutes 0 and 1 touched again: 2 and 3 are now the least recent
  timeline.addRequest(T0 + MINUTE + 1_500, 2_000);
  timeline.addRequest(T0 + 16 * MINUTE + 1_500, 1_000); // a seventeenth: fourteen stay, three are packed
  const packed = timeline.minuteBuckets().map(([minute, b]) => [(minute - T0) / MINUTE, b.sketch?.isPacked]);
  expect(packed.filter(([, isPacked]) => isPacked).map(([minute]) => minute)).toStrictEqual([2, 3, 4]);
  // Minute 2 comes back: unpacked again, its second counted on top of the one handed on.
  timeline.addRequest(T0 + 2 * MINUTE + 1_700, 1_000);
  const seconds = timeline.serialize().seconds;
  const firstSecond = (T0 + 1_500 - 500) / 1000;
  expect(seconds).toBe(`${firstSecond}:2,60:2,60:2` + ',60:1'.repeat(14));
});

it('refuses a live minute budget that is not a positive integer', () => {
  expect([0, -1, 1.5, NaN].map((liveMinutes) => (thrownBy(() => new Timeline({ liveMinutes })) as Error).message)).toStrictEqual([
    'the live minute budget must be a positive integer, got 0',
    'the live minute budget must be a positive integer, got -1',
    'the live minute budget must be a positive integer, got 1.5',
    'the live minute budget must be a positive integer, got NaN',
  ]);
});

it('analyzes a file shuffled within its minutes to the same partial as in order, but for the malformed samples it meets first', () => {
  // ~2,000 lines a second for ~80 s: the shuffle moves lines across minutes and seconds, both ways.
  const lines = [...generateApplog(150_000, { seed: 4, stepMs: 2 })];
  const inOrder = analyzeFilePartial(temp.write('in-order.log', Buffer.concat(lines)));
  const outOfOrder = analyzeFilePartial(temp.write('shuffled.log', Buffer.concat(shuffled(mulberry32(4), lines))));
  expect(inOrder.timeline.minutes.length).toBe(2);
  expect({ ...outOfOrder, malformed_samples: null }).toStrictEqual({ ...inOrder, malformed_samples: null });
});
