// Every route the coordinator serves, with each status it can return.
import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ErrorSchema, ValidationErrorSchema } from './errors';
import { JobSchema, JobSummarySchema } from './jobs';
import { FormatFieldsSchema, MetricsReportSchema, PartialMetricsSchema } from './metrics';
import { WorkerIdSchema, WorkerInfoSchema } from './workers';

const c = initContract();

const ChunkReportKeySchema = z.object({
  worker_id: WorkerIdSchema,
  job_id: z.string().min(1),
  chunk_id: z.number().int().nonnegative(),
  attempt: z.number().int().positive(),
});

const ChunkReportOutcomeSchema = z.object({
  accepted: z.boolean(),
  reason: z.enum(['merged', 'recorded', 'duplicate', 'superseded']),
});

export const coordinatorContract = c.router(
  {
    register: {
      method: 'POST',
      path: '/register',
      summary: 'Register a worker, or replace the entry of a restarted worker with the same id',
      body: z.object({
        worker_id: WorkerIdSchema,
        port: z.number().int().min(1).max(65535),
        host: z.string().min(1).optional().describe('host the coordinator should call; default: the peer address'),
        concurrency: z.number().int().positive().optional().describe('chunks the worker processes at once'),
      }),
      responses: {
        200: z.object({
          worker_id: WorkerIdSchema,
          status: z.enum(['registered', 're-registered']),
          heartbeat_interval_ms: z.number().int().positive(),
        }),
        400: ValidationErrorSchema,
      },
    },
    heartbeat: {
      method: 'POST',
      path: '/health',
      summary: 'Worker heartbeat; 404 tells an unknown worker to register again',
      body: z.object({ worker_id: WorkerIdSchema }),
      responses: {
        200: z.object({ ok: z.literal(true), heartbeat_interval_ms: z.number().int().positive() }),
        400: ValidationErrorSchema,
        404: ErrorSchema,
      },
    },
    reportMetrics: {
      method: 'POST',
      path: '/metrics',
      summary: 'The partial metrics of one chunk attempt',
      body: ChunkReportKeySchema.extend({ metrics: PartialMetricsSchema }),
      responses: {
        200: ChunkReportOutcomeSchema,
        400: ValidationErrorSchema,
        404: ErrorSchema,
        413: ErrorSchema.describe('the partial is larger than the coordinator accepts: report the chunk as failed; smaller chunks have smaller partials'),
      },
    },
    reportChunkFailure: {
      method: 'POST',
      path: '/chunk_failures',
      summary: 'A chunk attempt failed on the worker (for example the file could not be read)',
      body: ChunkReportKeySchema.extend({ error: z.string() }),
      responses: {
        200: ChunkReportOutcomeSchema,
        400: ValidationErrorSchema,
        404: ErrorSchema,
      },
    },
    getMetrics: {
      method: 'GET',
      path: '/metrics',
      summary: 'Metrics aggregated over every chunk merged so far, across all jobs',
      responses: { 200: MetricsReportSchema },
    },
    listWorkers: {
      method: 'GET',
      path: '/workers',
      responses: { 200: z.object({ workers: z.array(WorkerInfoSchema) }) },
    },
    createJob: {
      method: 'POST',
      path: '/jobs',
      summary: 'Plan a file into chunks and distribute them',
      body: FormatFieldsSchema.extend({
        filepath: z.string().min(1),
        chunk_size: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().describe('bytes per chunk; default: at least 4 chunks per active worker, at most 64 MiB'),
      }),
      responses: {
        201: z.object({ job_id: z.string() }),
        400: ValidationErrorSchema,
      },
    },
    listJobs: {
      method: 'GET',
      path: '/jobs',
      responses: { 200: z.object({ jobs: z.array(JobSummarySchema) }) },
    },
    getJob: {
      method: 'GET',
      path: '/jobs/:job_id',
      pathParams: z.object({ job_id: z.string().min(1) }),
      responses: {
        200: JobSchema,
        400: ValidationErrorSchema,
        404: ErrorSchema,
      },
    },
  },
  { strictStatusCodes: true },
);

export type CoordinatorContract = typeof coordinatorContract;
