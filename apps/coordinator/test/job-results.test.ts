// When merged metrics are checkpointed: a running job after enough commits or time, a finished one
// only once the coordinator is idle, so that no checkpoint sits on the path of a job being finished.
import { checkPartial, emptyMetrics, mergeAll } from '@loganalyzer/core';
import { JobResults } from '../src/job-results';
import { MemoryStore } from '../src/state/memory-store';
import { fakeClock } from './helpers';

function setup() {
  const store = new MemoryStore();
  const clock = fakeClock();
  const results = new JobResults(store, { everyCommits: 3, maxAgeMs: 10_000, idleMs: 1000 }, clock.now);
  const partial = { ...emptyMetrics(), lines: 2, bytes: 10 };
  const commit = (jobId: string) => {
    store.commit({ job_id: jobId, chunk_id: 0, input_id: 0, start: 0, size: 10, state: 'committed', attempts: 1, failures: 0, last_error: null, committed_token: 't', owned_bytes: 10 }, { job_id: jobId } as never, [], JSON.stringify({ metrics: partial }));
    results.add(jobId, checkPartial(partial));
  };
  return { store, clock, results, commit, partial };
}

it('checkpoints a running job once it has the configured number of commits since the last', () => {
  const { store, results, commit } = setup();
  results.restore('j');
  commit('j');
  commit('j');
  results.checkpointDue();
  expect(store.checkpointOf('j')).toBeNull();

  commit('j');
  results.checkpointDue();

  expect(JSON.parse(store.checkpointOf('j')!).lines).toBe(6);
});

it('checkpoints a running job whose oldest uncheckpointed commit is older than the maximum age', () => {
  const { store, results, commit, clock } = setup();
  results.restore('j');
  commit('j');
  clock.advance(9999);
  results.checkpointDue();
  expect(store.checkpointOf('j')).toBeNull();

  clock.advance(1);
  results.checkpointDue();

  expect(JSON.parse(store.checkpointOf('j')!).lines).toBe(2);
});

it('checkpoints a finished job only when no commit has arrived for the idle time, then rebuilds it from the store', () => {
  const { store, results, commit, clock, partial } = setup();
  results.restore('done');
  commit('done');
  results.finish('done');
  clock.advance(999);
  results.checkpointDue();
  expect(store.checkpointOf('done')).toBeNull();

  clock.advance(1);
  results.checkpointDue();

  expect(store.checkpointOf('done')).not.toBeNull();
  expect([...store.partialsOf('done')]).toStrictEqual([]);
  expect(results.merged('done')).toStrictEqual(mergeAll([partial]));
});
