// Per-minute buckets (requests, errors, response times with a p95 sketch) and per-second request
// counts. Buckets are keyed by time, so merging adds them exactly whatever the chunking. Lines need
// not come in time order: a small direct-mapped cache finds a recent minute's bucket without the map,
// and LiveMinutes keeps the sketches (and per-second counts) of the minutes touched last unpacked, up
// to a budget of minutes, packing the least recently touched eighth past it. So a chunk spanning weeks
// holds a few hundred bytes per minute beyond the budget, and lines shuffled within an hour, or
// written at the end of requests that started minutes apart, cost about what lines in order do.
import type { JsonOut } from '../json-parts';
import { LiveMinutes, MinuteNode, SECONDS_PER_MINUTE } from './live-minutes';
import { QuantileSketch } from './quantile-sketch';
import { CheckedSeconds, SecondCounts } from './second-counts';

const MINUTE = 60_000;
const HALF_MINUTE = MINUTE / 2;
const SECOND = 1000;
/**
 * Minutes whose sketches may stay unpacked by default: eight and a half hours, far more than lines
 * shuffled within an hour or written at the end of 20-minute requests touch, for ~4 MB of bins (a
 * sketch's dense bins are ~4–8 KB; 1024 minutes added 7–10 MB to the peak RSS of a 1 GiB chunk).
 */
export const DEFAULT_LIVE_MINUTES = 512;
/** Slots of the recent-bucket cache, a power of two: minute number & (slots - 1) picks one. */
const RECENT_SLOTS = 256;

export interface TimelineOptions {
  /** The most minute buckets holding unpacked sketches at once (default DEFAULT_LIVE_MINUTES). */
  liveMinutes?: number;
}

export interface MinuteBucket {
  requests: number;
  errors: number;
  timed: number;
  duration_us: number;
  sketch: QuantileSketch | null;
}

/** Columns of minute buckets, sorted by minute; requests per epoch second in one string. */
export interface SerializedTimeline {
  minutes: number[];
  requests: number[];
  errors: number[];
  timed: number[];
  duration_us: number[];
  /** Each minute's response-time sketch as QuantileSketch.serialize() writes it, null when none was timed. */
  sketches: Array<string | null>;
  /** Requests per second, as SecondCounts serializes them. */
  seconds: string;
}

/**
 * A serialized timeline that checks/timeline-check.ts has checked (columns of equal length, counts,
 * minutes in order) and decoded: sketches[i] is minute i's sketch. Merges read it and never change it.
 */
export interface CheckedTimeline {
  readonly serialized: SerializedTimeline;
  readonly sketches: ReadonlyArray<QuantileSketch | null>;
  readonly seconds: CheckedSeconds;
}

export class Timeline {
  private readonly minutes = new Map<number, MinuteNode>();
  private readonly seconds = new SecondCounts();
  /** Live buckets' requests per second, SECONDS_PER_MINUTE each from their secondsBase; free runs are zero. */
  private secondSlab = new Uint32Array(4 * SECONDS_PER_MINUTE);
  private secondSlabUsed = 0;
  private readonly freeSecondRuns: number[] = [];
  private currentMinute = NaN;
  private current: MinuteNode | null = null;
  /** Buckets by minute number & (RECENT_SLOTS - 1): a hit skips the map's hashing of a double. */
  private readonly recent: Array<MinuteNode | null> = new Array<MinuteNode | null>(RECENT_SLOTS).fill(null);
  private readonly live: LiveMinutes;

  constructor(options: TimelineOptions = {}) {
    this.live = new LiveMinutes(options.liveMinutes ?? DEFAULT_LIVE_MINUTES, (node) => {
      node.sketch?.pack();
      this.handOnSeconds(node);
    });
  }

  private bucket(timeMs: number): MinuteNode {
    // One comparison first, before any division: timeMs is inside the current minute (bar its very first
    // millisecond, which takes the long way). Two comparisons made a branch that lines out of order
    // mispredict half the time; this one they mispredict almost never, as it almost always fails.
    if (Math.abs(timeMs - this.currentMinute - HALF_MINUTE) < HALF_MINUTE && this.current !== null) return this.current;
    const minuteNumber = Math.floor(timeMs / MINUTE);
    const minute = minuteNumber * MINUTE;
    const slot = minuteNumber & (RECENT_SLOTS - 1);
    let bucket = this.recent[slot];
    if (bucket === null || bucket.minute !== minute) {
      bucket = this.minutes.get(minute) ?? this.newBucket(minute);
      this.recent[slot] = bucket;
    }
    this.currentMinute = minute;
    this.current = bucket;
    this.live.touch(bucket);
    return bucket;
  }

  private newBucket(minute: number): MinuteNode {
    const bucket = new MinuteNode(minute);
    this.minutes.set(minute, bucket);
    return bucket;
  }

  /** A request at timeMs; durationUs is -1 when untimed. Callers that have the duration's sketch key pass it. */
  addRequest(timeMs: number, durationUs: number, sketchKey = QuantileSketch.keyOf(durationUs / 1000)): void {
    const bucket = this.bucket(timeMs);
    bucket.requests++;
    if (durationUs >= 0) {
      bucket.timed++;
      bucket.duration_us += durationUs;
      (bucket.sketch ??= QuantileSketch.empty()).addKey(sketchKey);
    }
    // bucket() listed the bucket, so its seconds are handed on when it leaves the live set.
    let base = bucket.secondsBase;
    if (base < 0) base = this.claimSeconds(bucket);
    // The second within the minute. A product is cheaper than a division, and exact enough: 0.001 as
    // a double is a hair above it, so a time on a whole second never rounds down into the one before.
    this.secondSlab[base + (((timeMs - bucket.minute) * 0.001) | 0)]++;
  }

  /**
   * Gives a live bucket a minute's run of the slab. The live buckets share one array, runs reused as
   * buckets leave: an array per bucket was an allocation per minute of a chunk, and the garbage of a
   * 1 GiB pass (~40,000 minutes of small off-heap buffers) raised its peak RSS by ~17 MB.
   */
  private claimSeconds(node: MinuteNode): number {
    let base = this.freeSecondRuns.pop();
    if (base === undefined) {
      base = this.secondSlabUsed;
      this.secondSlabUsed += SECONDS_PER_MINUTE;
      if (this.secondSlabUsed > this.secondSlab.length) {
        const bigger = new Uint32Array(2 * this.secondSlabUsed);
        bigger.set(this.secondSlab);
        this.secondSlab = bigger;
      }
    }
    node.secondsBase = base;
    return base;
  }

  addError(timeMs: number): void {
    this.bucket(timeMs).errors++;
  }

  /** Moves a bucket's per-second counts into the per-second pages, and frees its run of the slab. */
  private handOnSeconds(node: MinuteNode): void {
    const base = node.secondsBase;
    if (base < 0) return;
    const slab = this.secondSlab;
    const first = node.minute / SECOND;
    for (let i = 0; i < SECONDS_PER_MINUTE; i++) {
      const n = slab[base + i];
      if (n === 0) continue;
      this.seconds.add(first + i, n);
      slab[base + i] = 0;
    }
    node.secondsBase = -1;
    this.freeSecondRuns.push(base);
  }

  /** Makes the per-second pages whole, before they are read. */
  private flushSeconds(): void {
    this.live.forEach((node) => this.handOnSeconds(node));
  }

  merge(other: Timeline): void {
    this.flushSeconds();
    other.flushSeconds();
    for (const [minute, b] of other.minutes) this.addMinute(minute, b.requests, b.errors, b.timed, b.duration_us, b.sketch);
    other.seconds.forEach((second, n) => this.seconds.add(second, n));
    this.current = null;
  }

  /**
   * Adds a serialized timeline, as merge(Timeline.deserialize(s)) would, without building that timeline:
   * its per-second counts go straight into ours (not through a second SecondCounts) and its packed
   * sketches are kept as they are. checkTimeline has checked and decoded it, so nothing here throws.
   */
  mergeChecked(c: CheckedTimeline): void {
    const s = c.serialized;
    this.flushSeconds();
    this.seconds.addChecked(c.seconds);
    s.minutes.forEach((minute, i) => this.addMinute(minute, s.requests[i], s.errors[i], s.timed[i], s.duration_us[i], c.sketches[i]));
    this.current = null;
  }

  /** Adds one minute's counts; the sketch is read, never kept (a minute new here gets a copy). */
  private addMinute(minute: number, requests: number, errors: number, timed: number, durationUs: number, sketch: QuantileSketch | null): void {
    const mine = this.minutes.get(minute) ?? this.newBucket(minute);
    mine.requests += requests;
    mine.errors += errors;
    mine.timed += timed;
    mine.duration_us += durationUs;
    if (sketch === null) return;
    // A packed sketch copies as its text: minutes only one chunk saw cost no unpacking.
    if (mine.sketch === null) mine.sketch = sketch.copy();
    else mine.sketch.merge(sketch);
    // Merged minutes count against the budget too, so a merged total's memory is bounded the same way.
    this.live.touch(mine);
  }

  /** Buckets that hold an unpacked sketch now; never more than the live minute budget. */
  unpackedMinutes(): number {
    let n = 0;
    for (const bucket of this.minutes.values()) if (bucket.sketch !== null && !bucket.sketch.isPacked) n++;
    return n;
  }

  /** Minute buckets in time order. */
  minuteBuckets(): Array<[number, MinuteBucket]> {
    return [...this.minutes.entries()].sort((a, b) => a[0] - b[0]);
  }

  /** The second with the most requests (earliest on ties), or null. */
  peakSecond(): { at: number; requests: number } | null {
    this.flushSeconds();
    let bestSecond = NaN;
    let bestRequests = 0;
    // Seconds come in time order, so the first of equal peaks stays.
    this.seconds.forEach((second, n) => {
      if (n > bestRequests) {
        bestSecond = second;
        bestRequests = n;
      }
    });
    return Number.isNaN(bestSecond) ? null : { at: bestSecond * SECOND, requests: bestRequests };
  }

  serialize(): SerializedTimeline {
    const columns = this.serializeWith(null);
    return { ...columns, seconds: this.seconds.serialize() };
  }

  /**
   * serialize() with `seconds` in place of the per-second text, for a writer that writes that text
   * itself (writeSecondsJson): a month's is 7.7 MB.
   */
  serializeWith<S>(seconds: S): Omit<SerializedTimeline, 'seconds'> & { seconds: S } {
    this.flushSeconds();
    const buckets = this.minuteBuckets();
    return {
      minutes: buckets.map(([m]) => m),
      requests: buckets.map(([, b]) => b.requests),
      errors: buckets.map(([, b]) => b.errors),
      timed: buckets.map(([, b]) => b.timed),
      duration_us: buckets.map(([, b]) => b.duration_us),
      sketches: buckets.map(([, b]) => (b.sketch ? b.sketch.serialize() : null)),
      seconds,
    };
  }

  /** serialize()'s `seconds` as JSON, written into out. */
  writeSecondsJson(out: JsonOut): void {
    this.flushSeconds();
    this.seconds.writeJson(out);
  }

  static deserialize(s: SerializedTimeline, options: TimelineOptions = {}): Timeline {
    const t = new Timeline(options);
    s.minutes.forEach((minute, i) => {
      const sketch = s.sketches[i];
      const bucket = t.newBucket(minute);
      bucket.requests = s.requests[i];
      bucket.errors = s.errors[i];
      bucket.timed = s.timed[i];
      bucket.duration_us = s.duration_us[i];
      bucket.sketch = sketch === null ? null : QuantileSketch.deserialize(sketch);
    });
    t.seconds.addSerialized(s.seconds);
    return t;
  }
}
