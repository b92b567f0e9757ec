// Job state as the coordinator reports it.
import { z } from 'zod';
import { MetricsReportSchema } from './metrics';

export const JobStatusSchema = z.enum(['queued', 'running', 'completed', 'failed']);
export type JobStatus = z.infer<typeof JobStatusSchema>;

export const JobProgressSchema = z.object({
  chunks_total: z.number().int().nonnegative(),
  chunks_done: z.number().int().nonnegative(),
  bytes_total: z.number().int().nonnegative(),
  bytes_done: z.number().int().nonnegative(),
  chunks_reassigned: z.number().int().nonnegative().describe('attempts handed to another worker after a death or failure'),
});

export const JobSummarySchema = z.object({
  job_id: z.string(),
  filepath: z.string(),
  status: JobStatusSchema,
  created_at: z.string(),
  finished_at: z.string().nullable(),
});

export type JobSummary = z.infer<typeof JobSummarySchema>;

export const JobSchema = JobSummarySchema.extend({
  format: z.string().describe('the named format, or "custom" for an nginx log_format'),
  progress: JobProgressSchema,
  metrics: MetricsReportSchema,
  error: z.string().optional(),
});
export type Job = z.infer<typeof JobSchema>;
