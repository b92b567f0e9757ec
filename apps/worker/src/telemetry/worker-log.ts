// How the worker's parts tell what happened: a sentence, the fields it is about (job_id, chunk_id,
// attempt, …) and a level. main.ts points it at pino; tests collect the sentences.
import type { Logger } from '@loganalyzer/server-kit';

export type WorkerLogFields = Record<string, string | number | boolean>;
export type WorkerLogLevel = 'debug' | 'info' | 'warn';
export type WorkerLog = (message: string, fields?: WorkerLogFields, level?: WorkerLogLevel) => void;

export const silentLog: WorkerLog = () => {};

export function pinoWorkerLog(logger: Logger): WorkerLog {
  return (message, fields = {}, level = 'info') => logger[level](fields, message);
}

/** The fields that name one chunk attempt. */
export const chunkFields = (task: { job_id: string; chunk_id: number; attempt: number }): WorkerLogFields => ({
  job_id: task.job_id,
  chunk_id: task.chunk_id,
  attempt: task.attempt,
});
