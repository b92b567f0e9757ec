// Per-minute buckets (requests, errors, response times with a p95 sketch) and per-second request
// counts. Buckets are keyed by time, so merging adds them exactly whatever the chunking. Logs are
// mostly in time order, so the current bucket is cached and the maps are touched once per second.
import { QuantileSketch } from './quantile-sketch';
import { SecondCounts } from './second-counts';

const MINUTE = 60_000;
const SECOND = 1000;

export interface MinuteBucket {
  requests: number;
  errors: number;
  timed: number;
  duration_us: number;
  sketch: QuantileSketch | null;
}

/** Columns of minute buckets, sorted by minute; seconds as [epoch second, requests] pairs. */
export interface SerializedTimeline {
  minutes: number[];
  requests: number[];
  errors: number[];
  timed: number[];
  duration_us: number[];
  sketches: Array<string | null>;
  seconds: Array<[number, number]>;
}

export class Timeline {
  private readonly minutes = new Map<number, MinuteBucket>();
  private readonly seconds = new SecondCounts();
  private currentMinute = NaN;
  private current: MinuteBucket | null = null;
  private currentSecond = NaN;
  private currentSecondCount = 0;

  private bucket(timeMs: number): MinuteBucket {
    const minute = Math.floor(timeMs / MINUTE) * MINUTE;
    if (minute !== this.currentMinute || this.current === null) {
      let bucket = this.minutes.get(minute);
      if (!bucket) {
        bucket = { requests: 0, errors: 0, timed: 0, duration_us: 0, sketch: null };
        this.minutes.set(minute, bucket);
      }
      this.currentMinute = minute;
      this.current = bucket;
    }
    return this.current;
  }

  addRequest(timeMs: number, durationUs: number): void {
    const bucket = this.bucket(timeMs);
    bucket.requests++;
    if (durationUs >= 0) {
      bucket.timed++;
      bucket.duration_us += durationUs;
      (bucket.sketch ??= QuantileSketch.empty()).add(durationUs / 1000);
    }
    const second = Math.floor(timeMs / SECOND);
    if (second !== this.currentSecond) {
      this.flushSecond();
      this.currentSecond = second;
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
    for (const [minute, b] of other.minutes) {
      const mine = this.minutes.get(minute);
      if (!mine) {
        const sketch = b.sketch ? QuantileSketch.empty() : null;
        if (sketch && b.sketch) sketch.merge(b.sketch);
        this.minutes.set(minute, { ...b, sketch });
        continue;
      }
      mine.requests += b.requests;
      mine.errors += b.errors;
      mine.timed += b.timed;
      mine.duration_us += b.duration_us;
      if (b.sketch) (mine.sketch ??= QuantileSketch.empty()).merge(b.sketch);
    }
    for (const [second, n] of other.seconds.entries()) this.seconds.add(second, n);
    this.current = null;
  }

  /** Minute buckets in time order. */
  minuteBuckets(): Array<[number, MinuteBucket]> {
    return [...this.minutes.entries()].sort((a, b) => a[0] - b[0]);
  }

  /** The second with the most requests (earliest on ties), or null. */
  peakSecond(): { at: number; requests: number } | null {
    this.flushSecond();
    let best: { at: number; requests: number } | null = null;
    for (const [second, n] of this.seconds.entries()) {
      if (!best || n > best.requests || (n === best.requests && second * SECOND < best.at)) best = { at: second * SECOND, requests: n };
    }
    return best;
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
      seconds: this.seconds.entries(),
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
    for (const [second, n] of s.seconds) t.seconds.add(second, n);
    return t;
  }
}
