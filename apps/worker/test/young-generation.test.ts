// The worker's main thread runs with a small young generation (MAIN_THREAD_NODE_FLAGS on its command
// line), and its analysis threads must not inherit it: V8 lets the process flag override a thread's
// resourceLimits, which keepThreadYoungGeneration undoes. Checked in real node processes.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN_THREAD_NODE_FLAGS } from '../src/young-generation';

const BUILT = join(__dirname, '..', 'dist', 'young-generation.js');

/** New-space sizes (KiB) of the main thread and of a thread given an 8 MiB young generation, after allocating. */
function youngGenerations(keepThreads: boolean): { main: number; thread: number } {
  const script = `
    const v8 = require('node:v8');
    const { Worker } = require('node:worker_threads');
    if (${keepThreads}) require(${JSON.stringify(BUILT)}).keepThreadYoungGeneration();
    const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size >> 10;
    const churn = 'let kept = []; for (let i = 0; i < 2e6; i++) { kept.push({ i }); if (kept.length > 1e5) kept = []; }';
    eval(churn);
    const worker = new Worker(churn + "; require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size >> 10)", { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    worker.once('message', (thread) => { console.log(JSON.stringify({ main: newSpace(), thread })); worker.terminate(); });
  `;
  const run = spawnSync(process.execPath, [...MAIN_THREAD_NODE_FLAGS, '-e', script], { encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`node exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as { main: number; thread: number };
}

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: build the worker first (npx tsc -p tsconfig.build.json)`);
});

it('keeps the main thread young generation small and gives the analysis threads their own', () => {
  const kept = youngGenerations(true);
  const inherited = youngGenerations(false);
  // A 1 MiB semi-space: the new space is two of them.
  expect(kept.main).toBeLessThanOrEqual(2048);
  // The thread's resourceLimits (8 MiB: semi-spaces of 4) hold once the flag is cleared...
  expect(kept.thread).toBeGreaterThan(2048);
  // ...and without that, the process flag would have shrunk it too.
  expect(inherited.thread).toBeLessThanOrEqual(2048);
});
