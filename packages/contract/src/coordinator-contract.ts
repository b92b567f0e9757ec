// Every route the coordinator serves, with each status it can return.
import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ErrorSchema, UnauthorizedSchema, ValidationErrorSchema } from './errors';
import { LivenessSchema } from './liveness';
import { telemetryRoutes } from './telemetry-routes';
import { CreateJobBodySchema, JobSchema, JobSummarySchema } from './jobs';
import { MetricsReportSchema, PartialMetricsSchema } from './metrics';
import { EVENT_STREAM_CONTENT_TYPE, JobProgressUpdateSchema } from './event-stream';
import { LeaseTokenSchema, MAX_LEASES_PER_HEARTBEAT, WorkerIdSchema, WorkerInfoSchema, WorkerLoadSchema } from './workers';

const c = initContract();

const ChunkReportKeySchema = z.object({
  worker_id: WorkerIdSchema,
  job_id: z.string().min(1).max(64),
  chunk_id: z.number().int().nonnegative(),
  attempt: z.number().int().positive(),
  lease_token: LeaseTokenSchema,
}).strict();

const JobIdParamsSchema = z.object({ job_id: z.string().min(1).max(64) });

export const coordinatorContract = c.router(
  {
    livez: {
      method: 'GET',
      path: '/livez',
      summary: 'Liveness: answers without the cluster token, and says nothing else',
      responses: { 200: LivenessSchema },
    },
    ...telemetryRoutes,
    register: {
      method: 'POST',
      path: '/register',
      summary: 'Register a worker, or replace the entry of a restarted worker with the same id',
      body: z.object({
        worker_id: WorkerIdSchema,
        port: z.number().int().min(1).max(65535),
        host: z.string().min(1).max(253).optional().describe('host the coordinator should call; default: the peer address'),
        concurrency: z.number().int().positive().max(1024).optional().describe('chunks the worker processes at once'),
        tls: z.boolean().optional().describe('the worker serves HTTPS (call it with https://)'),
      }).strict(),
      responses: {
        200: z.object({
          worker_id: WorkerIdSchema,
          status: z.enum(['registered', 're-registered']),
          heartbeat_interval_ms: z.number().int().positive(),
        }),
        400: ValidationErrorSchema,
        403: ErrorSchema.describe('host_not_allowed: the host is not the address the request came from (and not in --allow-worker-hosts), or is link-local / a cloud metadata address'),
        409: ErrorSchema.describe('worker_id_in_use: a live worker at another address has this id'),
      },
    },
    deregister: {
      method: 'POST',
      path: '/deregister',
      summary: 'A worker leaving (graceful shutdown): its entry is removed and the leases it still holds are handed back without counting as failed attempts',
      body: z.object({ worker_id: WorkerIdSchema }).strict(),
      responses: {
        200: z.object({ worker_id: WorkerIdSchema, released: z.number().int().nonnegative().describe('leases handed back') }),
        400: ValidationErrorSchema,
        404: ErrorSchema,
      },
    },
    heartbeat: {
      method: 'POST',
      path: '/health',
      summary: 'Worker heartbeat: renews the leases it lists; 404 tells an unknown worker to register again',
      body: z.object({
        worker_id: WorkerIdSchema,
        leases: z.array(LeaseTokenSchema).max(MAX_LEASES_PER_HEARTBEAT).optional().describe('tokens of the chunk attempts the worker holds'),
      }).merge(WorkerLoadSchema).strict(),
      responses: {
        200: z.object({
          ok: z.literal(true),
          heartbeat_interval_ms: z.number().int().positive(),
          drop: z.array(LeaseTokenSchema).describe('listed leases that are no longer live: stop their work, report nothing'),
        }),
        400: ValidationErrorSchema,
        404: ErrorSchema,
      },
    },
    reportMetrics: {
      method: 'POST',
      path: '/metrics',
      summary: 'The partial metrics of one chunk attempt, fenced by its lease token',
      body: ChunkReportKeySchema.extend({ metrics: PartialMetricsSchema }),
      responses: {
        200: z.object({
          accepted: z.boolean(),
          reason: z.enum(['committed', 'duplicate']).describe('duplicate: this attempt was committed already (a retried report)'),
        }),
        400: ValidationErrorSchema,
        404: ErrorSchema,
        409: ErrorSchema.describe('lease_not_live: not the live lease of the chunk, or not held by this worker (expired, superseded, committed by another attempt, or forged); never merged, drop it'),
        413: ErrorSchema.describe('the partial is larger than the coordinator accepts: report the chunk as failed; smaller chunks have smaller partials'),
        422: ErrorSchema.describe('invalid_partial: the partial does not decode or does not match its chunk; the attempt is recorded as failed'),
      },
    },
    reportChunkFailure: {
      method: 'POST',
      path: '/chunk_failures',
      summary: 'A chunk attempt failed on the worker (for example the input could not be read)',
      body: ChunkReportKeySchema.extend({
        error: z.string().max(4096),
        permanent: z
          .boolean()
          .optional()
          .describe('the input itself cannot be analyzed (a gzip that does not decompress): every attempt would fail alike, so the job fails at once instead of after its attempts'),
      }),
      responses: {
        200: z.object({ accepted: z.literal(true), reason: z.literal('recorded') }),
        400: ValidationErrorSchema,
        404: ErrorSchema,
        409: ErrorSchema,
      },
    },
    getMetrics: {
      method: 'GET',
      path: '/metrics',
      summary: 'Metrics aggregated over every chunk committed so far, across all jobs; malformed-line samples stay with their own job (GET /jobs/:job_id)',
      responses: { 200: MetricsReportSchema },
    },
    events: {
      method: 'GET',
      path: '/events',
      summary: 'Server-sent events for the dashboard: job and worker events as they happen, job progress a few times a second, a comment line to keep proxies open',
      responses: {
        200: c.otherResponse({ contentType: EVENT_STREAM_CONTENT_TYPE, body: z.string().describe('text/event-stream: "event: <type>" and "data: <one JSON line>" per message') }),
        503: ErrorSchema.describe('too_many_streams: the coordinator serves this many event streams already; shutting_down'),
      },
    },
    listWorkers: {
      method: 'GET',
      path: '/workers',
      responses: { 200: z.object({ workers: z.array(WorkerInfoSchema) }) },
    },
    createJob: {
      method: 'POST',
      path: '/jobs',
      summary: 'Plan inputs into chunks and distribute them',
      body: CreateJobBodySchema,
      responses: {
        201: z.object({ job_id: z.string() }),
        400: ValidationErrorSchema.or(ErrorSchema),
        403: ErrorSchema.describe('input_forbidden: an input resolves (symlinks followed) outside every --data-root'),
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
      pathParams: JobIdParamsSchema,
      responses: {
        200: JobSchema,
        400: ValidationErrorSchema,
        404: ErrorSchema,
      },
    },
    getJobProgress: {
      method: 'GET',
      path: '/jobs/:job_id/progress',
      summary: "A job's status and chunk counters, without its metrics",
      description:
        'What a client following a job asks while it runs. GET /jobs/:job_id carries the report merged so far (megabytes on a large job), which the coordinator serializes and the client parses on every poll, on the cores the workers analyze on; ask for it once the status is completed or failed.',
      pathParams: JobIdParamsSchema,
      responses: {
        200: JobProgressUpdateSchema,
        400: ValidationErrorSchema,
        404: ErrorSchema,
      },
    },
    deleteJob: {
      method: 'DELETE',
      path: '/jobs/:job_id',
      summary: 'Remove a job, its chunks and its partials; a running job is stopped first',
      pathParams: JobIdParamsSchema,
      body: c.noBody(),
      responses: {
        200: z.object({ job_id: z.string(), deleted: z.literal(true) }),
        400: ValidationErrorSchema,
        404: ErrorSchema,
      },
    },
  },
  {
    strictStatusCodes: true,
    commonResponses: {
      401: UnauthorizedSchema,
      413: ErrorSchema.describe('body_too_large: the request body is over the route\'s limit'),
      500: ErrorSchema,
    },
  },
);

export type CoordinatorContract = typeof coordinatorContract;
