// The dashboard's live stream (GET /events): what its messages are called and carry. The coordinator
// writes them; the page and the tests read them.
import { z } from 'zod';
import { JobStatusSchema } from './jobs';

export const EVENT_STREAM_CONTENT_TYPE = 'text/event-stream';

const count = z.number().int().nonnegative();

/** One job's counters in a `progress` message: enough for a progress bar, without the metrics. */
export const JobProgressUpdateSchema = z.object({
  job_id: z.string(),
  status: JobStatusSchema,
  chunks_total: count,
  chunks_done: count,
  bytes_total: count,
  bytes_done: count,
});
export type JobProgressUpdate = z.infer<typeof JobProgressUpdateSchema>;

/** `event: progress`: the jobs whose chunks moved since the last one (sent at most a few times a second). */
export const ProgressMessageSchema = z.object({ jobs: z.array(JobProgressUpdateSchema) });
export type ProgressMessage = z.infer<typeof ProgressMessageSchema>;
