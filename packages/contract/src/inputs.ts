// What a job reads. An input is a tagged value, not a bare path, so that compressed and remote inputs
// can join as new kinds without changing the shape of jobs and chunk tasks.
import { z } from 'zod';

export const MAX_PATH_LENGTH = 4096;
export const MAX_INPUTS_PER_JOB = 10_000;

const path = z.string().min(1).max(MAX_PATH_LENGTH);

/**
 * A file whose first bytes decide how it is read, as for a bare path: plain text, or gzip (then
 * planned and reported as {kind: "gzip"}). Other compressions fail the job, naming the file.
 */
export const FileInputSchema = z.object({ kind: z.literal('file'), path }).strict();
/** A gzip file (multi-member too): read whole as one chunk, since gzip cannot be entered in the middle. */
export const GzipInputSchema = z.object({ kind: z.literal('gzip'), path }).strict();
/** A zstd file: read like gzip, by Node's zlib decoder where it has one (Node ≥ 22.15), else by fzstd. */
export const ZstdInputSchema = z.object({ kind: z.literal('zstd'), path }).strict();
export const InputSchema = z.discriminatedUnion('kind', [FileInputSchema, GzipInputSchema, ZstdInputSchema]);
export type Input = z.infer<typeof InputSchema>;
export type InputKind = Input['kind'];

/** Whether an input is read as a stream to decompress, whole, in one chunk. */
export function isCompressed(input: Input): input is Input & { kind: 'gzip' | 'zstd' } {
  return input.kind !== 'file';
}

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
