import { LeaseLostError, PermanentError, RetryCancelledError, withRetry } from '../src/retry';

it('returns the first result that resolves, after retrying the failures before it', async () => {
  let calls = 0;
  const result = await withRetry(
    async () => {
      calls++;
      if (calls < 3) throw new Error(`attempt ${calls} failed`);
      return 'delivered';
    },
    { initialDelayMs: 1, maxDelayMs: 1 },
  );

  expect([result, calls]).toStrictEqual(['delivered', 3]);
});

it('throws a PermanentError (and a LeaseLostError) at once, without a second call', async () => {
  for (const error of [new PermanentError('refused'), new LeaseLostError('lease not live')]) {
    let calls = 0;
    const retrying = withRetry(
      async () => {
        calls++;
        throw error;
      },
      { initialDelayMs: 1 },
    );

    await expect(retrying).rejects.toBe(error);
    expect(calls).toBe(1);
  }
});

it('stops with RetryCancelledError, keeping the failure as its cause, when already cancelled as a call fails', async () => {
  const failure = new Error('connect ECONNREFUSED');
  let calls = 0;
  const retrying = withRetry(
    async () => {
      calls++;
      throw failure;
    },
    { initialDelayMs: 1, cancelled: () => true },
  );

  await expect(retrying).rejects.toThrow(new RetryCancelledError('retry cancelled', { cause: failure }));
  await expect(retrying).rejects.toBeInstanceOf(RetryCancelledError);
  expect(calls).toBe(1);
});

it('makes no further call when cancelled during the wait before a retry', async () => {
  let cancelled = false;
  let calls = 0;
  const retrying = withRetry(
    async () => {
      calls++;
      throw new Error('503');
    },
    { initialDelayMs: 10, onRetry: () => (cancelled = true), cancelled: () => cancelled },
  );

  await expect(retrying).rejects.toBeInstanceOf(RetryCancelledError);
  expect(calls).toBe(1);
});

it('reports each retry with its attempt number and a delay doubling up to the maximum', async () => {
  const retries: Array<[number, number]> = [];
  let calls = 0;
  await withRetry(
    async () => {
      if (++calls < 5) throw new Error('unavailable');
    },
    { initialDelayMs: 1, maxDelayMs: 4, onRetry: (_err, attempt, delay) => retries.push([attempt, delay]) },
  );

  expect(retries).toStrictEqual([
    [1, 1],
    [2, 2],
    [3, 4],
    [4, 4],
  ]);
});
