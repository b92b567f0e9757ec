// Jobs as the coordinator reports them, and the body that creates one.
import { z } from 'zod';
import { InputSchema, InputSnapshotSchema, MAX_INPUTS_PER_JOB, MAX_PATH_LENGTH } from './inputs';
import { FormatFieldsSchema, MetricsReportSchema } from './metrics';

export const JobStatusSchema = z.enum(['queued', 'running', 'completed', 'failed']);
export type JobStatus = z.infer<typeof JobStatusSchema>;

const count = z.number().int().nonnegative();
/** Epoch milliseconds, as far as a Date can go either way. */
export const epochMs = z.number().int().min(-8.64e15).max(8.64e15);

export const CreateJobBodySchema = FormatFieldsSchema.extend({
  inputs: z
    .array(z.union([z.string().min(1).max(MAX_PATH_LENGTH), InputSchema]))
    .min(1)
    .max(MAX_INPUTS_PER_JOB)
    .optional()
    .describe('what to analyze: file paths, or tagged inputs ({kind: "file" | "gzip" | "zstd", path}); a path (or a "file") is read as its first bytes say: gzip (1f 8b) and zstd (28 b5 2f fd) decompressed, other compressions (xz, bzip2, zip, 7z, lz4) fail the job naming the file, anything else as text. The result is the exact merge over all of them'),
  filepath: z.string().min(1).max(MAX_PATH_LENGTH).optional().describe('one file; the same as inputs: [filepath]'),
  since_ms: epochMs.optional().describe('analyze only lines whose timestamp is at or after this (epoch ms); see outside_window in the report'),
  until_ms: epochMs.optional().describe('analyze only lines whose timestamp is before this (epoch ms); after since_ms'),
  chunk_size: z
    .number()
    .int()
    .positive()
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .describe('bytes per chunk; default: at least 2 chunks per active worker, at most 256 MiB. Raised when a job would exceed the coordinator\'s chunk limit'),
}).superRefine((body, ctx) => {
  if ((body.inputs === undefined) === (body.filepath === undefined)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['inputs'], message: 'give either inputs or filepath' });
  }
  if (body.since_ms !== undefined && body.until_ms !== undefined && body.since_ms >= body.until_ms) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['until_ms'], message: `must be after since_ms (${body.since_ms}), got ${body.until_ms}` });
  }
});
export type CreateJobBody = z.infer<typeof CreateJobBodySchema>;

export const JobProgressSchema = z.object({
  chunks_total: count,
  chunks_done: count,
  bytes_total: count,
  bytes_done: count,
  chunks_reassigned: count.describe('attempts that ended without a commit (worker lost, lease expired, failure) and were handed out again'),
  backup_attempts: count.describe('extra attempts started for stragglers; the first commit wins'),
  results_refused: count.describe('results refused because they did not hold the live lease of their chunk (late, superseded or forged); never merged'),
  appended_bytes: count.describe('bytes the inputs grew by after planning, known once the job has ended; never analyzed'),
});

export const InputProgressSchema = z.object({
  input: InputSchema,
  snapshot: InputSnapshotSchema.nullable().describe('size and identity recorded at planning; null before'),
  chunks_total: count,
  chunks_done: count,
  bytes_total: count,
  bytes_done: count,
  appended_bytes: count.nullable().describe('bytes appended after planning (not analyzed); null until the job ends'),
});

export const JobSummarySchema = z.object({
  job_id: z.string(),
  filepath: z.string().describe('the first input'),
  inputs: count.describe('how many inputs the job reads'),
  status: JobStatusSchema,
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
export type JobSummary = z.infer<typeof JobSummarySchema>;

export const JobSchema = JobSummarySchema.extend({
  format: z.string().describe('the named format, or "custom" for an nginx log_format'),
  chunk_size: count.nullable().describe('bytes per chunk as planned; null before planning'),
  progress: JobProgressSchema,
  input_progress: z.array(InputProgressSchema),
  metrics: MetricsReportSchema,
  error: z.string().optional(),
});
export type Job = z.infer<typeof JobSchema>;
