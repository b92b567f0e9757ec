// The worker count of the progress line: asked at most once a second, active workers only, the last
// answer kept when an ask fails.
import type { CoordinatorClient } from '@loganalyzer/contract';
import { ActiveWorkers } from '../src/progress/active-workers';

type Answer = { status: number; body: { workers: Array<{ status: string }> } } | Error;

function fakeClient(answers: Answer[]): { client: CoordinatorClient; asks: () => number } {
  let asks = 0;
  const client = {
    listWorkers: async () => {
      const answer = answers[asks++];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as CoordinatorClient;
  return { client, asks: () => asks };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

it('counts the active workers, asks again only after the interval, and keeps the last count when an ask fails', async () => {
  let now = 0;
  const { client, asks } = fakeClient([
    { status: 200, body: { workers: [{ status: 'active' }, { status: 'inactive' }, { status: 'active' }, { status: 'inactive' }] } },
    new Error('connect ECONNREFUSED'),
    { status: 200, body: { workers: [{ status: 'active' }] } },
  ]);
  const workers = new ActiveWorkers(client, 1000, () => now);

  expect(workers.latest()).toBeNull();
  await settle();
  expect(workers.latest()).toBe(2);
  now = 999;
  expect(workers.latest()).toBe(2);
  expect(asks()).toBe(1);

  now = 1000;
  workers.latest();
  await settle();
  expect(workers.latest()).toBe(2);
  expect(asks()).toBe(2);

  now = 2000;
  workers.latest();
  await settle();
  expect(workers.latest()).toBe(1);
  expect(asks()).toBe(3);
});
