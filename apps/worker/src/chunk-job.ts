// What a pool thread is asked to do for a chunk task: the file (its real path, as the app confined
// it), the range, and how to read it (format, snapshot, time window, compression).
import { ChunkTask, isCompressed } from '@loganalyzer/contract';
import type { ChunkJob, TimeWindow } from '@loganalyzer/core';

function windowOf(task: ChunkTask): TimeWindow | undefined {
  if (task.since_ms === undefined && task.until_ms === undefined) return undefined;
  return { ...(task.since_ms !== undefined ? { sinceMs: task.since_ms } : {}), ...(task.until_ms !== undefined ? { untilMs: task.until_ms } : {}) };
}

export function chunkJobFor(task: ChunkTask): ChunkJob {
  const window = windowOf(task);
  return {
    filepath: task.input.path,
    start: task.start,
    size: task.size,
    options: {
      format: task.log_format !== undefined ? { nginx: task.log_format } : (task.format ?? 'auto'),
      snapshot: task.snapshot,
      ...(window !== undefined ? { window } : {}),
    },
    ...(isCompressed(task.input) ? { compression: task.input.kind } : {}),
  };
}
