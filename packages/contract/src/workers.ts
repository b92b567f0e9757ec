// Worker identity and the registry entry the coordinator exposes.
import { z } from 'zod';

export const WorkerIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

export const WorkerInfoSchema = z.object({
  worker_id: WorkerIdSchema,
  url: z.string(),
  status: z.enum(['active', 'inactive']),
  last_heartbeat: z.string().describe('ISO 8601'),
  registered_at: z.string(),
  concurrency: z.number().int().positive(),
  chunks_in_flight: z.number().int().nonnegative(),
  chunks_done: z.number().int().nonnegative(),
});
export type WorkerInfo = z.infer<typeof WorkerInfoSchema>;
