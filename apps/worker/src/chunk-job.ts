// What a pool thread is asked to do for a chunk task: the file (its real path, as the app confined
// it), the range, and how to read it (format, snapshot, compression).
import { ChunkTask, isCompressed } from '@loganalyzer/contract';
import type { ChunkJob } from '@loganalyzer/core';

export function chunkJobFor(task: ChunkTask): ChunkJob {
  return {
    filepath: task.input.path,
    start: task.start,
    size: task.size,
    options: { format: task.log_format !== undefined ? { nginx: task.log_format } : (task.format ?? 'auto'), snapshot: task.snapshot },
    ...(isCompressed(task.input) ? { compression: task.input.kind } : {}),
  };
}
