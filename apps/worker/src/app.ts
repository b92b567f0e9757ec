// The worker's HTTP surface: accept chunks (202 at once) and answer liveness checks. Never listens.
import { workerContract } from '@loganalyzer/contract';
import { errorHandler, notFoundHandler, respondWithValidationError } from '@loganalyzer/server-kit';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import express, { Express } from 'express';
import type { ChunkWorker } from './chunk-worker';

const s = initServer();

export function createApp(worker: ChunkWorker): Express {
  const router = s.router(workerContract, {
    processChunk: async ({ body }) => {
      if (!worker.isAccepting) {
        return { status: 503, body: { error: 'shutting_down', message: `worker ${worker.workerId} is shutting down` } };
      }
      worker.accept(body);
      return { status: 202, body: { accepted: true } };
    },
    health: async () => ({
      status: 200,
      body: { status: 'ok', worker_id: worker.workerId, chunks_in_flight: worker.chunksInFlight, concurrency: worker.concurrency },
    }),
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  createExpressEndpoints(workerContract, router, app, { requestValidationErrorHandler: respondWithValidationError });
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}
