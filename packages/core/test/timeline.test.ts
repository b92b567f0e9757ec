// The timeline: requests, errors and durations per minute, requests per second and its peak, and
// merges of shards that equal the single pass whatever the order.
import { analyzeFile } from '../src/analyze';
import { QuantileSketch, SKETCH_RELATIVE_ACCURACY } from '../src/analytics/quantile-sketch';
import { forEachSerialized } from '../src/analytics/second-counts';
import { SerializedTimeline, Timeline } from '../src/analytics/timeline';
import { checkTimeline } from '../src/checks/timeline-check';
import { mulberry32, Random, randomInt, shuffled, thrownBy, useTempDir } from './helpers';

const temp = useTempDir();
const T0 = Date.UTC(2024, 0, 24, 10, 15, 0);
const second = (ms: number): number => Math.floor(ms / 1000);

function sketchOf(ms: readonly number[]): string {
  const sketch = QuantileSketch.empty();
  for (const value of ms) sketch.add(value);
  return sketch.serialize();
}

/** The [epoch second, requests] pairs of a serialized timeline. */
function pairs(encoded: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  forEachSerialized(encoded, (second, n) => out.push([second, n]));
  return out;
}

type Event = { kind: 'request'; at: number; durationUs: number } | { kind: 'error'; at: number };

function play(events: readonly Event[]): Timeline {
  const timeline = new Timeline();
  for (const e of events) {
    if (e.kind === 'request') timeline.addRequest(e.at, e.durationUs);
    else timeline.addError(e.at);
  }
  return timeline;
}

it('buckets requests, timed durations and errors by minute, leaving idle minutes out', () => {
  const timeline = play([
    { kind: 'request', at: T0 + 1_000, durationUs: 2_000 },
    { kind: 'error', at: T0 + 30_000 },
    { kind: 'request', at: T0 + 59_999, durationUs: -1 }, // untimed, in the minute's last millisecond
    { kind: 'request', at: T0 + 60_000, durationUs: 500_000 },
    { kind: 'error', at: T0 + 60_000 },
    { kind: 'request', at: T0 + 180_000, durationUs: 0 },
  ]);
  const s = timeline.serialize();
  expect({ ...s, seconds: pairs(s.seconds) }).toStrictEqual({
    minutes: [T0, T0 + 60_000, T0 + 180_000],
    requests: [2, 1, 1],
    errors: [1, 1, 0],
    timed: [1, 1, 1],
    duration_us: [2_000, 500_000, 0],
    sketches: [sketchOf([2]), sketchOf([500]), sketchOf([0])],
    seconds: [
      [second(T0 + 1_000), 1],
      [second(T0 + 59_999), 1],
      [second(T0 + 60_000), 1],
      [second(T0 + 180_000), 1],
    ],
  } satisfies Omit<SerializedTimeline, 'seconds'> & { seconds: Array<[number, number]> });
});

it('keeps a minute of untimed requests or errors only without a sketch', () => {
  const timeline = play([
    { kind: 'request', at: T0, durationUs: -1 },
    { kind: 'error', at: T0 + 60_000 },
  ]);
  const s = timeline.serialize();
  expect([s.minutes, s.requests, s.errors, s.timed, s.sketches, pairs(s.seconds)]).toStrictEqual([[T0, T0 + 60_000], [1, 0], [0, 1], [0, 0], [null, null], [[second(T0), 1]]]);
});

it('counts a second revisited out of order once per request', () => {
  const s1 = T0 + 5_000;
  const s2 = T0 + 6_000;
  const timeline = play([s1, s2 + 999, s1 + 10, s2, s1 + 999, s2 + 1].map((at): Event => ({ kind: 'request', at, durationUs: 1 })));
  expect(pairs(timeline.serialize().seconds)).toStrictEqual([
    [second(s1), 3],
    [second(s2), 3],
  ]);
});

it('finds the busiest second, the earliest of equals even when it was seen last', () => {
  const early = T0 + 5_000;
  const late = T0 + 9_000;
  const times = [late, late + 1, late + 2, T0 + 7_000, early + 500, early + 600, early + 700, T0 + 7_001];
  expect(play(times.map((at): Event => ({ kind: 'request', at, durationUs: -1 }))).peakSecond()).toStrictEqual({ at: early, requests: 3 });
  expect(new Timeline().peakSecond()).toBeNull();
});

it('puts times before 1970 and on minute edges in their own minute and second', () => {
  const timeline = play([-1, 0, 59_999, 60_000].map((at): Event => ({ kind: 'request', at, durationUs: -1 })));
  const s = timeline.serialize();
  expect([s.minutes, s.requests, pairs(s.seconds)]).toStrictEqual([
    [-60_000, 0, 60_000],
    [1, 2, 1],
    [
      [-1, 1],
      [0, 1],
      [59, 1],
      [60, 1],
    ],
  ]);
});

/** About ten minutes of traffic, in time order but with some lines a few seconds late. */
function randomEvents(random: Random, count: number): Event[] {
  let clock = T0;
  return Array.from({ length: count }, (): Event => {
    clock += randomInt(random, 0, 60);
    const at = random() < 0.05 ? clock - randomInt(random, 0, 5_000) : clock;
    if (random() < 0.1) return { kind: 'error', at };
    return { kind: 'request', at, durationUs: random() < 0.2 ? -1 : Math.floor(1000 * Math.exp(3 + 2 * random())) };
  });
}

/** Merges serialized shards in a random tree, deserializing each as partial metrics do. */
function mergeInRandomTree(random: Random, parts: readonly SerializedTimeline[]): Timeline {
  if (parts.length === 1) return Timeline.deserialize(parts[0]);
  const split = randomInt(random, 1, parts.length - 1);
  const left = mergeInRandomTree(random, parts.slice(0, split));
  left.merge(mergeInRandomTree(random, parts.slice(split)));
  return left;
}

it('merges contiguous or interleaved shards, in any order or tree, into exactly the single-pass timeline', () => {
  const random = mulberry32(5);
  const events = randomEvents(random, 20_000);
  const single = play(events);
  const expected = single.serialize();
  expect(expected.minutes.length >= 9).toBe(true);
  for (let round = 0; round < 6; round++) {
    const shardCount = randomInt(random, 2, 12);
    const shards: Event[][] = Array.from({ length: shardCount }, () => []);
    // Even rounds cut the stream into runs, as chunks of a file do; odd rounds deal events at random.
    events.forEach((e, i) => shards[round % 2 === 0 ? Math.floor((i * shardCount) / events.length) : randomInt(random, 0, shardCount - 1)].push(e));
    const serialized = shards.map((shard) => play(shard).serialize());
    const sequential = new Timeline();
    for (const shard of shuffled(random, serialized)) sequential.merge(Timeline.deserialize(shard));
    // What MetricsMerger does: the serialized form merged directly, into a timeline that keeps counting.
    const direct = new Timeline();
    for (const shard of shuffled(random, serialized)) direct.mergeChecked(checkTimeline(shard));
    const tree = mergeInRandomTree(random, shuffled(random, serialized));
    expect({ round, sequential: sequential.serialize(), direct: direct.serialize(), tree: tree.serialize() }).toStrictEqual({ round, sequential: expected, direct: expected, tree: expected });
    expect([sequential.peakSecond(), direct.peakSecond(), tree.peakSecond()]).toStrictEqual([single.peakSecond(), single.peakSecond(), single.peakSecond()]);
  }
});

it('refuses to check a serialized timeline with a bad sketch, bad per-second counts or minutes out of order', () => {
  const good = play([
    { kind: 'request', at: T0 + 61_000, durationUs: 2_000 },
    { kind: 'request', at: T0 + 121_000, durationUs: 3_000 },
  ]).serialize();
  const messageOf = (s: SerializedTimeline): string => (thrownBy(() => checkTimeline(s)) as Error).message;
  expect([
    messageOf({ ...good, sketches: [good.sketches[0], '0;x'] }),
    messageOf({ ...good, seconds: '5:1,0:1' }),
    messageOf({ ...good, minutes: [good.minutes[1], good.minutes[0]] }),
    messageOf({ ...good, minutes: [good.minutes[0], good.minutes[1] + 1] }),
  ]).toStrictEqual([
    'timeline.sketches[1]: latency sketch does not decode: not a serialized quantile sketch',
    'timeline.seconds: per-second counts do not parse: not serialized per-second counts',
    `timeline.minutes[1]: ${good.minutes[0]} does not follow ${good.minutes[1]}: minutes must increase`,
    `timeline.minutes[1]: ${good.minutes[1] + 1} is not the start of a minute`,
  ]);
  expect(checkTimeline(good).sketches.map((sketch) => sketch?.count)).toStrictEqual([1, 1]);
});

it('leaves the merged-in timeline unchanged, counts its unflushed second, and keeps counting after a merge', () => {
  const bEvents: Event[] = [
    { kind: 'request', at: T0 + 100, durationUs: 3_000 },
    { kind: 'error', at: T0 + 200 },
  ];
  const a = play([{ kind: 'request', at: T0, durationUs: 1_000 }]);
  const b = play(bEvents);
  // b's second is still being counted: nothing has made it flush.
  a.merge(b);
  a.addRequest(T0 + 300, 2_000);
  expect(b.serialize()).toStrictEqual(play(bEvents).serialize());
  const s = a.serialize();
  expect([s.requests, s.errors, s.timed, s.duration_us, s.sketches, pairs(s.seconds)]).toStrictEqual([[3], [1], [3], [6_000], [sketchOf([1, 3, 2])], [[second(T0), 3]]]);
});

it('reports each minute, the peak second and the peak error minute of a file', async () => {
  const filepath = temp.write(
    'timeline.log',
    [
      '2024-01-24 10:15:01.000 INFO Request processed in 10ms',
      '2024-01-24 10:15:01.500 INFO Request processed in 30ms',
      '2024-01-24 10:15:01.999 ERROR Request failed in 3000ms',
      '2024-01-24 10:15:02.000 INFO Request processed in 20ms',
      '2024-01-24 10:16:59.999 ERROR Database connection failed',
      '2024-01-24 10:17:00.000 FATAL Disk full',
      '',
    ].join('\n'),
  );
  const report = await analyzeFile(filepath);
  const p95 = report.timeline[0].p95_response_time as number;
  // p95 of 10, 20, 30 and 3000 ms is the value at index ⌊0.95·3⌋ = 2: 30 ms, within the sketch's 1%.
  expect(Math.abs(p95 - 30) <= 30 * SKETCH_RELATIVE_ACCURACY).toBe(true);
  expect(report.timeline).toStrictEqual([
    { minute: '2024-01-24T10:15:00.000Z', requests: 4, errors: 1, avg_response_time: 765, p95_response_time: p95 },
    { minute: '2024-01-24T10:16:00.000Z', requests: 0, errors: 1, avg_response_time: null, p95_response_time: null },
    { minute: '2024-01-24T10:17:00.000Z', requests: 0, errors: 1, avg_response_time: null, p95_response_time: null },
  ]);
  expect([report.requests_per_second.peak, report.requests_per_second.peak_at]).toStrictEqual([3, '2024-01-24T10:15:01.000Z']);
  expect([report.errors_per_minute.peak, report.errors_per_minute.peak_at]).toStrictEqual([1, '2024-01-24T10:15:00.000Z']);
});
