// Retrying with capped exponential backoff, for calls to a coordinator that may be briefly away.

export interface RetryOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Give up after this long in total; default: never. */
  giveUpAfterMs?: number;
  /** Stop retrying when this returns true (for example on shutdown, or a dropped lease). */
  cancelled?: () => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export class RetryCancelledError extends Error {}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls fn until it resolves; an error with `retryable === false` is thrown at once. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const initial = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5000;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { retryable?: boolean }).retryable === false) throw err;
      if (options.cancelled?.()) throw new RetryCancelledError('retry cancelled', { cause: err });
      const delay = Math.min(max, initial * 2 ** Math.min(attempt - 1, 20));
      if (options.giveUpAfterMs !== undefined && Date.now() - started + delay > options.giveUpAfterMs) throw err;
      options.onRetry?.(err, attempt, delay);
      await sleep(delay);
      // Cancelled during the wait (a lease dropped, a stop): the next attempt must not go out.
      if (options.cancelled?.()) throw new RetryCancelledError('retry cancelled', { cause: err });
    }
  }
}

/** An error that retrying will not fix (a 400 or 404 from the coordinator). */
export class PermanentError extends Error {
  readonly retryable = false;
}

/** The coordinator refused a result as too large (413): the chunk must be reported as failed. */
export class ResultTooLargeError extends PermanentError {}

/**
 * The attempt is over as far as the coordinator is concerned: its lease is not live (409), or the
 * coordinator already recorded the attempt as failed (422). Nothing more is to be sent for it.
 */
export class LeaseLostError extends PermanentError {}
