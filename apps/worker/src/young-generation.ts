// The worker's main thread only routes requests, sends heartbeats and moves partials' bytes (off the
// heap, from its analysis threads to the coordinator), so a young generation of V8's default size
// (up to 3 × 16 MiB) only holds garbage it would collect anyway: `pnpm worker` and the embedded
// cluster start it with MAIN_THREAD_NODE_FLAGS. V8 lets that process flag override a thread's own
// resourceLimits, so it is cleared before the analysis threads start, and they keep the young
// generation chunk-pool.ts gives them (a smaller one costs access logs time).
//
// Measured (one worker, one thread, 256 MiB files in 64 MiB chunks, peak RSS): see BENCHMARKS.md.
import { setFlagsFromString } from 'node:v8';

/** Node options for the process that runs the worker's main.js. */
export const MAIN_THREAD_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];

/** Call before the analysis threads start: a zero semi-space flag lets their resourceLimits decide. */
export function keepThreadYoungGeneration(): void {
  setFlagsFromString('--max-semi-space-size=0');
}
