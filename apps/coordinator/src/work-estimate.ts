// How much work a chunk is, in plain-text bytes: what its attempt's deadline and its straggler
// threshold scale with. A compressed input is one chunk of compressed bytes, each worth many bytes of
// text, so it is measured as such instead of against the plain chunks beside it.
import { isCompressed } from '@loganalyzer/contract';
import type { JobState } from './job-state';
import type { ChunkRecord } from './state/records';

/** Text bytes per compressed byte assumed for deadlines and stragglers (logs compress 10–20×). */
export const COMPRESSED_WORK_FACTOR = 20;

export function chunkWork(job: JobState, chunk: ChunkRecord): number {
  return isCompressed(job.inputs[chunk.input_id].input) ? chunk.size * COMPRESSED_WORK_FACTOR : chunk.size;
}
