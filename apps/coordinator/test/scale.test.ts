// The coordinator at scale: one job of 50,000 chunks on 100 simulated workers, 30 of which hang, come
// back or restart mid-job, on each state store. No timings are asserted (speed is measured in
// benchmarks); instead the coordinator's work per chunk is counted, so a scan of every chunk per
// dispatch, or a re-merge of every result, cannot pass.
import type { ChunkTask } from '@loganalyzer/contract';
import { analyzeFile, PartialMetrics } from '@loganalyzer/core';
import { Coordinator } from '../src/coordinator';
import { MemoryStore } from '../src/state/memory-store';
import { SqliteStore } from '../src/state/sqlite-store';
import type { StateStore } from '../src/state/state-store';
import { fakeClock, partialOf, settle, useTempLogs } from './helpers';
import { ReportOutcome, SimulatedFleet, SimulatedWorker } from './simulated-workers';
import { countChunkTableReads, countMerges } from './work-counters';

const logs = useTempLogs();

const WANTED_CHUNKS = 50_000;
const WORKER_COUNT = 100;
const HEARTBEAT_MS = 1000;
/** Simulated time per round, in which every working worker answers all it holds. */
const ROUND_MS = 100;
/** A generous ceiling on chunk-table reads per committed chunk: the coordinator needs about three. */
const MAX_CHUNK_READS_PER_CHUNK = 10;

const workerId = (n: number): string => `w-${String(n).padStart(3, '0')}`;
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
/** Worker n has 1 to 8 slots. */
const concurrencyOf = (n: number): number => 1 + (n % 8);

interface ScenarioResult {
  coordinator: Coordinator;
  fleet: SimulatedFleet;
  jobId: string;
  logPath: string;
  logSize: number;
  chunksTotal: number;
  /** Chunks held by workers when they hung or restarted: what the coordinator must reassign. */
  lostChunks: number;
  /** The answers to results that hung workers reported after their chunks were taken back. */
  staleOutcomes: ReportOutcome[];
  incidentsLeft: string[];
  /** Chunk-table reads and merges per committed chunk, in each tenth of the job up to its last report. */
  costPerChunk: Array<{ reads: number; merges: number }>;
  /** Chunk-table reads from the last report on: its commit and the completion's check of every chunk. */
  completionReads: number;
  merges: number;
}

let log = { path: '', size: 0 };
/**
 * Each chunk's partial, computed once by the first scenario's simulated workers and reused by the
 * second's: the analysis is the workers' cost, and it would otherwise be half of this suite's time.
 * The coordinator only reads a partial, so sharing one between runs changes nothing it sees.
 */
const partials = new Map<string, PartialMetrics>();
function analyzeOnce(task: ChunkTask): PartialMetrics {
  const key = `${task.start}:${task.size}`;
  let partial = partials.get(key);
  if (!partial) partials.set(key, (partial = partialOf(task)));
  return partial;
}
beforeAll(() => {
  // ~2.1 MB of application log in chunks of about 42 bytes: shorter than most lines, so many own none.
  log = logs.applog('fifty-thousand-chunks.log', 40_000, 11);
});

async function runScenario(store: StateStore): Promise<ScenarioResult> {
  const chunkSize = Math.floor(log.size / WANTED_CHUNKS);
  const clock = fakeClock();
  const fleet = new SimulatedFleet(
    // No prefetch: a simulated worker runs every chunk it holds at once (a real one queues those past
    // its threads), so a queued chunk would count as one more slot and skew the spread checked below.
    (sendChunk) => new Coordinator({ sendChunk, store, now: clock.now, heartbeatIntervalMs: HEARTBEAT_MS, workerTimeoutMs: 3 * HEARTBEAT_MS, prefetch: 0 }),
    analyzeOnce,
  );
  const { coordinator } = fleet;
  for (let n = 0; n < WORKER_COUNT; n++) fleet.add(workerId(n), concurrencyOf(n));
  const workers = (ns: number[]): SimulatedWorker[] => ns.map((n) => fleet.get(workerId(n)));
  const inactive = (ns: number[]): boolean => ns.every((n) => coordinator.listWorkers().find((w) => w.worker_id === workerId(n))?.status === 'inactive');

  const jobId = coordinator.createJob({ filepath: log.path, chunk_size: chunkSize });
  await coordinator.idle();
  const chunkTableReads = countChunkTableReads(coordinator, jobId);
  const merges = countMerges();
  try {
    const chunksTotal = coordinator.getJob(jobId).progress.chunks_total;
    let readsBeforeLastReport = 0;
    fleet.beforeReport = () => (readsBeforeLastReport = chunkTableReads.count);
    await settle();

    let lostChunks = 0;
    const staleOutcomes: ReportOutcome[] = [];
    const committed = (share: number) => (done: number) => done >= share * chunksTotal;
    // In order: each waits for the one before it.
    const incidents: Array<{ name: string; when(done: number): boolean; run(): void }> = [
      { name: '10 workers hang', when: committed(0.2), run: () => workers(range(0, 10)).forEach((w) => (lostChunks += fleet.silence(w))) },
      {
        name: '5 of them come back with stale results once swept',
        when: () => inactive(range(0, 10)),
        run: () => workers(range(0, 5)).forEach((w) => staleOutcomes.push(...fleet.wakeUp(w).map((r) => r.outcome))),
      },
      { name: '5 workers restart', when: committed(0.5), run: () => workers(range(10, 15)).forEach((w) => (lostChunks += fleet.restart(w))) },
      { name: '15 workers hang for good', when: committed(0.7), run: () => workers(range(15, 30)).forEach((w) => (lostChunks += fleet.silence(w))) },
    ];

    const tenths = [{ done: 0, reads: 0, merges: 0 }];
    const mark = (done: number, reads = chunkTableReads.count) => tenths.push({ done, reads, merges: merges.count });
    const maxRounds = 10 * Math.ceil(chunksTotal / WORKER_COUNT);
    // Progress from the fleet's own tally and the job summary: a full job body builds the report of
    // everything merged so far, which is the poller's cost, not the coordinator's work per chunk.
    let done = 0;
    const status = () => coordinator.listJobs().find((j) => j.job_id === jobId)?.status;
    for (let round = 1; status() !== 'completed'; round++) {
      if (round > maxRounds) throw new Error(`the job is still ${status()} after ${maxRounds} rounds`);
      fleet.answerHeld();
      await coordinator.idle();
      clock.advance(ROUND_MS);
      if (round % (HEARTBEAT_MS / ROUND_MS) === 0) fleet.heartbeat();
      coordinator.sweep();
      await settle();

      done = fleet.committed;
      // A coordinator that scans or re-merges would take many minutes to finish: stop it now, and let
      // the cost test show by how much it went over.
      if (chunkTableReads.count > MAX_CHUNK_READS_PER_CHUNK * done + 3 * chunksTotal || merges.count !== done) {
        mark(done);
        break;
      }
      while (incidents.length > 0 && incidents[0].when(done)) incidents.shift()!.run();
      if (done === chunksTotal) mark(done, readsBeforeLastReport);
      else if (done >= (tenths.length / 10) * chunksTotal) mark(done);
    }

    const costPerChunk = tenths.slice(1).map((t, i) => {
      const chunks = t.done - tenths[i].done;
      return { reads: (t.reads - tenths[i].reads) / chunks, merges: (t.merges - tenths[i].merges) / chunks };
    });
    return {
      coordinator,
      fleet,
      jobId,
      logPath: log.path,
      logSize: log.size,
      chunksTotal,
      lostChunks,
      staleOutcomes,
      incidentsLeft: incidents.map((incident) => incident.name),
      costPerChunk,
      completionReads: chunkTableReads.count - readsBeforeLastReport,
      merges: merges.count,
    };
  } finally {
    merges.restore();
  }
}

describe.each([
  ['MemoryStore', () => new MemoryStore()],
  ['SqliteStore on a temp file', () => new SqliteStore(logs.path('scale-state.db'))],
])('a 50,000-chunk job on 100 workers, 30 of which hang or restart mid-job, on %s', (_name, openStore: () => StateStore) => {
  let run: ScenarioResult;
  beforeAll(async () => {
    run = await runScenario(openStore());
  }, 120_000);
  afterAll(async () => {
    await run?.coordinator.close();
  });

  it('plans at least 50,000 chunks of the requested size', () => {
    expect(run.chunksTotal).toBe(Math.ceil(run.logSize / Math.floor(run.logSize / WANTED_CHUNKS)));
    expect(run.chunksTotal).toBeGreaterThanOrEqual(WANTED_CHUNKS);
  });

  it('costs the same few chunk-table reads and one merge per chunk in the last tenth of the job as in the first', () => {
    // Scanning the table per dispatch would read it ~25,000 times per chunk on average; re-merging
    // every result would merge ~25,000 times per chunk.
    expect(run.costPerChunk.filter((tenth) => tenth.reads > MAX_CHUNK_READS_PER_CHUNK || tenth.merges !== 1)).toStrictEqual([]);
    expect(run.costPerChunk).toHaveLength(10);
    expect(run.costPerChunk[9].reads).toBeLessThanOrEqual(1.5 * run.costPerChunk[0].reads);
    expect(run.merges).toBe(run.chunksTotal);
  });

  it('checks the coverage of every chunk once at completion, and no more', () => {
    // A for-of over the table reads its length and one element per chunk.
    expect(run.completionReads).toBeGreaterThanOrEqual(run.chunksTotal);
    expect(run.completionReads).toBeLessThanOrEqual(2 * run.chunksTotal + MAX_CHUNK_READS_PER_CHUNK);
  });

  it('completes with exactly the metrics of a single pass over the file', async () => {
    const job = run.coordinator.getJob(run.jobId);

    expect(job.status).toBe('completed');
    expect(job.metrics).toStrictEqual(await analyzeFile(run.logPath));
  });

  it('reassigns exactly the chunks the hung and restarted workers held, and refuses every stale result', () => {
    expect(run.incidentsLeft).toStrictEqual([]);
    expect(run.lostChunks).toBeGreaterThanOrEqual(100);
    expect(run.staleOutcomes.length).toBeGreaterThan(0);
    expect(run.staleOutcomes.filter((outcome) => outcome !== 'refused')).toStrictEqual([]);
    expect(run.coordinator.getJob(run.jobId).progress).toStrictEqual({
      chunks_total: run.chunksTotal,
      chunks_done: run.chunksTotal,
      bytes_total: run.logSize,
      bytes_done: run.logSize,
      chunks_reassigned: run.lostChunks,
      backup_attempts: 0,
      results_refused: run.staleOutcomes.length,
      appended_bytes: 0,
    });
  });

  it('commits every chunk exactly once', () => {
    const committedPerChunk = new Array<number>(run.chunksTotal).fill(0);
    for (const r of run.fleet.reports) if (r.outcome === 'committed') committedPerChunk[r.task.chunk_id]++;

    expect(committedPerChunk.filter((times) => times !== 1)).toStrictEqual([]);
    expect(run.fleet.reports.filter((r) => r.outcome === 'duplicate')).toStrictEqual([]);
  });

  it('spreads the chunks over every worker, in proportion to its slots among those never disturbed', () => {
    const workers = run.coordinator.listWorkers();
    const chunksPerSlot = workers.slice(30).map((w) => w.chunks_done / w.concurrency);

    expect(workers.filter((w) => w.chunks_done === 0)).toStrictEqual([]);
    expect(workers.reduce((sum, w) => sum + w.chunks_done, 0)).toBe(run.chunksTotal);
    expect(workers.filter((w) => w.status === 'inactive').map((w) => w.worker_id)).toStrictEqual([...range(5, 10), ...range(15, 30)].map(workerId));
    expect(Math.max(...chunksPerSlot)).toBeLessThanOrEqual(1.05 * Math.min(...chunksPerSlot));
  });
});
