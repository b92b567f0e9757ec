// What a job reads. An input is a tagged value, not a bare path, so that compressed and remote inputs
// can join as new kinds without changing the shape of jobs and chunk tasks.
import { z } from 'zod';

export const MAX_PATH_LENGTH = 4096;
export const MAX_INPUTS_PER_JOB = 10_000;

export const FileInputSchema = z.object({
  kind: z.literal('file'),
  path: z.string().min(1).max(MAX_PATH_LENGTH),
}).strict();
export const InputSchema = z.discriminatedUnion('kind', [FileInputSchema]);
export type Input = z.infer<typeof InputSchema>;

/** What the coordinator recorded of an input when it planned the job; the job reads exactly these bytes. */
export const InputSnapshotSchema = z.object({
  size: z.number().int().nonnegative(),
  mtime_ms: z.number(),
  dev: z.number().int().nonnegative(),
  ino: z.number().int().nonnegative(),
}).strict();
export type InputSnapshot = z.infer<typeof InputSnapshotSchema>;

/** A short human name of an input, for messages and reports. */
export function describeInput(input: Input): string {
  return input.path;
}
