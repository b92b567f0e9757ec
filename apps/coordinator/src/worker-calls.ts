// The coordinator's calls to workers through the typed worker client (one client per worker URL):
// sending a chunk, and asking whether a worker id is still alive at its URL.
import { ChunkTask, createWorkerClient, WorkerClient } from '@loganalyzer/contract';
import type { ChunkSender, WorkerLivenessProbe } from './coordinator';

export interface WorkerCallOptions {
  /** The cluster token, sent to workers on every call. */
  token?: string;
  /** PEM certificate(s) to trust for https:// workers. */
  ca?: string | Buffer;
  timeoutMs?: number;
  /** How long a liveness question may take before the old entry counts as gone. */
  probeTimeoutMs?: number;
}

/** A worker that answered a chunk with an error status (it is up; what happens next depends on the status). */
export class WorkerRefusal extends Error {
  constructor(
    readonly workerUrl: string,
    readonly status: number,
    detail: string,
  ) {
    super(`worker at ${workerUrl} answered ${status}: ${detail}`);
    this.name = 'WorkerRefusal';
  }
}

export function httpWorkerCalls(options: WorkerCallOptions = {}): { sendChunk: ChunkSender; isWorkerLive: WorkerLivenessProbe } {
  const clients = new Map<string, WorkerClient>();
  const probes = new Map<string, WorkerClient>();
  const clientFor = (cache: Map<string, WorkerClient>, url: string, timeoutMs: number): WorkerClient => {
    let client = cache.get(url);
    if (!client) {
      client = createWorkerClient(url, { timeoutMs, token: options.token, ca: options.ca });
      cache.set(url, client);
    }
    return client;
  };
  return {
    sendChunk: async (workerUrl: string, task: ChunkTask) => {
      const response = await clientFor(clients, workerUrl, options.timeoutMs ?? 10_000).processChunk({ body: task });
      if (response.status !== 202) throw new WorkerRefusal(workerUrl, response.status, response.body.message);
    },
    isWorkerLive: async (workerUrl: string, workerId: string) => {
      try {
        const response = await clientFor(probes, workerUrl, options.probeTimeoutMs ?? 1000).health();
        return response.status === 200 && response.body.worker_id === workerId;
      } catch {
        return false;
      }
    },
  };
}
