// Per-minute buckets (requests, errors, response times with a p95 sketch) and per-second request
// counts. Buckets are keyed by time, so merging adds them exactly whatever the chunking. Logs are
// mostly in time order, so the current bucket is cached and the maps are touched once per second.
// Only the last few minutes written keep their sketches unpacked; older ones are packed into their
// serialized text, so a chunk spanning weeks holds a few hundred bytes per minute, not a dense array.
import { QuantileSketch } from './quantile-sketch';
import { CheckedSeconds, SecondCounts } from './second-counts';

const MINUTE = 60_000;
const SECOND = 1000;
/** Minutes whose sketches stay unpacked: lines from a few sources interleave around minute boundaries. */
const LIVE_MINUTES = 4;

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
  private readonly minutes = new Map<number, MinuteBucket>();
  private readonly seconds = new SecondCounts();
  private currentMinute = NaN;
  private current: MinuteBucket | null = null;
  private currentSecond = NaN;
  private currentSecondCount = 0;
  /** Buckets written to lately, most recent last; only these hold unpacked sketches. */
  private readonly live: MinuteBucket[] = [];

  private bucket(timeMs: number): MinuteBucket {
    // Range checks first: a division per line costs more than two comparisons.
    if (timeMs >= this.currentMinute && timeMs < this.currentMinute + MINUTE && this.current !== null) return this.current;
    const minute = Math.floor(timeMs / MINUTE) * MINUTE;
    let bucket = this.minutes.get(minute);
    if (!bucket) {
      bucket = { requests: 0, errors: 0, timed: 0, duration_us: 0, sketch: null };
      this.minutes.set(minute, bucket);
    }
    this.currentMinute = minute;
    this.current = bucket;
    this.markLive(bucket);
    return bucket;
  }

  private markLive(bucket: MinuteBucket): void {
    const live = this.live;
    const at = live.indexOf(bucket);
    if (at !== -1) live.splice(at, 1);
    live.push(bucket);
    if (live.length > LIVE_MINUTES) live.shift()!.sketch?.pack();
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
    const secondStart = this.currentSecond * SECOND;
    if (!(timeMs >= secondStart && timeMs < secondStart + SECOND)) {
      this.flushSecond();
      this.currentSecond = Math.floor(timeMs / SECOND);
    }
    this.currentSecondCount++;
  }

  addError(timeMs: number): void {
    this.bucket(timeMs).errors++;
  }

  private flushSecond(): void {
    if (this.currentSecondCount > 0) this.seconds.add(this.currentSecond, this.currentSecondCount);
    this.currentSecondCount = 0;
  }

  merge(other: Timeline): void {
    this.flushSecond();
    other.flushSecond();
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
    this.flushSecond();
    this.seconds.addChecked(c.seconds);
    s.minutes.forEach((minute, i) => this.addMinute(minute, s.requests[i], s.errors[i], s.timed[i], s.duration_us[i], c.sketches[i]));
    this.current = null;
  }

  /** Adds one minute's counts; the sketch is read, never kept (a minute new here gets a copy). */
  private addMinute(minute: number, requests: number, errors: number, timed: number, durationUs: number, sketch: QuantileSketch | null): void {
    const mine = this.minutes.get(minute);
    if (!mine) {
      // A packed sketch copies as its text: minutes only one chunk saw cost no unpacking.
      this.minutes.set(minute, { requests, errors, timed, duration_us: durationUs, sketch: sketch ? sketch.copy() : null });
      return;
    }
    mine.requests += requests;
    mine.errors += errors;
    mine.timed += timed;
    mine.duration_us += durationUs;
    if (sketch) (mine.sketch ??= QuantileSketch.empty()).merge(sketch);
  }

  /** Minute buckets in time order. */
  minuteBuckets(): Array<[number, MinuteBucket]> {
    return [...this.minutes.entries()].sort((a, b) => a[0] - b[0]);
  }

  /** The second with the most requests (earliest on ties), or null. */
  peakSecond(): { at: number; requests: number } | null {
    this.flushSecond();
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
    this.flushSecond();
    const buckets = this.minuteBuckets();
    return {
      minutes: buckets.map(([m]) => m),
      requests: buckets.map(([, b]) => b.requests),
      errors: buckets.map(([, b]) => b.errors),
      timed: buckets.map(([, b]) => b.timed),
      duration_us: buckets.map(([, b]) => b.duration_us),
      sketches: buckets.map(([, b]) => (b.sketch ? b.sketch.serialize() : null)),
      seconds: this.seconds.serialize(),
    };
  }

  static deserialize(s: SerializedTimeline): Timeline {
    const t = new Timeline();
    s.minutes.forEach((minute, i) => {
      const sketch = s.sketches[i];
      t.minutes.set(minute, {
        requests: s.requests[i],
        errors: s.errors[i],
        timed: s.timed[i],
        duration_us: s.duration_us[i],
        sketch: sketch === null ? null : QuantileSketch.deserialize(sketch),
      });
    });
    t.seconds.addSerialized(s.seconds);
    return t;
  }
}
