// Sends chunks to workers through the typed worker client, one client per worker URL.
import { ChunkTask, createWorkerClient, WorkerClient } from '@loganalyzer/contract';
import type { ChunkSender } from './coordinator';

export function httpChunkSender(timeoutMs = 10_000): ChunkSender {
  const clients = new Map<string, WorkerClient>();
  return async (workerUrl: string, task: ChunkTask) => {
    let client = clients.get(workerUrl);
    if (!client) {
      client = createWorkerClient(workerUrl, { timeoutMs });
      clients.set(workerUrl, client);
    }
    const response = await client.processChunk({ body: task });
    if (response.status !== 202) {
      throw new Error(`worker at ${workerUrl} answered ${response.status}: ${response.body.message}`);
    }
  };
}
