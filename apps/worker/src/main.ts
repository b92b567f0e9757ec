#!/usr/bin/env node
// `pnpm worker --id worker1 --port 8001 --coordinator http://localhost:8000`: parses the command line,
// builds the worker and its app, listens, registers, and leaves gracefully on signals.
import { createCoordinatorClient, WorkerIdSchema } from '@loganalyzer/contract';
import { createChunkPool, defaultConcurrency } from '@loganalyzer/core';
import {
  chooseListenHost,
  CLIENT_FLAGS,
  createLogger,
  DataRoots,
  describeExposure,
  escapeControl,
  exitWhenProcessDies,
  listen,
  LOG_FLAGS,
  logSettingsFrom,
  onShutdownSignal,
  securityFrom,
  SERVER_FLAGS,
} from '@loganalyzer/server-kit';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createApp } from './app';
import { chunkJobFor } from './chunk-job';
import { ChunkWorker } from './chunk-worker';
import { CoordinatorLink } from './coordinator-link';
import { leaveGracefully } from './graceful-leave';
import { limitHeapGrowth } from './heap-growth';
import { keepThreadYoungGeneration } from './young-generation';
import { RetryCancelledError } from './retry';
import { pinoWorkerLog } from './telemetry/worker-log';
import { WorkerMetrics } from './telemetry/worker-metrics';

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('worker')
    .usage('$0 --id ID --port PORT --coordinator URL\n\nAnalyzes the chunks a coordinator sends.')
    .option('id', { type: 'string', demandOption: true, describe: 'worker id, unique in the cluster' })
    .option('port', { type: 'number', default: 8001, describe: 'port to listen on (0 picks a free one)' })
    .option('host', { type: 'string', describe: 'address to listen on (default 127.0.0.1; beyond loopback needs a token and --data-root)' })
    .options(SERVER_FLAGS)
    .options(CLIENT_FLAGS)
    .option('advertise-host', { type: 'string', describe: 'host the coordinator should call (default: the address it sees)' })
    .option('coordinator', { type: 'string', default: 'http://localhost:8000', describe: 'coordinator base URL' })
    .option('concurrency', { type: 'number', default: defaultConcurrency(), describe: 'chunks processed at once, each in its own thread' })
    .options(LOG_FLAGS)
    .option('shutdown-grace', { type: 'number', default: 10_000, describe: 'ms that running chunks get to finish on SIGTERM/SIGINT before they are handed back' })
    .option('exit-with-pid', { type: 'number', describe: 'shut down when the process with this pid is gone (for embedded clusters)' })
    .check((a) => {
      WorkerIdSchema.parse(a.id);
      if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new Error(`--port must be 0..65535, got ${a.port}`);
      if (!Number.isInteger(a.concurrency) || a.concurrency < 1) throw new Error(`--concurrency must be a positive integer, got ${a.concurrency}`);
      if (!(a['shutdown-grace'] >= 0)) throw new Error(`--shutdown-grace must be a non-negative number of ms, got ${a['shutdown-grace']}`);
      new URL(a.coordinator);
      return true;
    })
    .strict()
    .help()
    .parse();

  const security = securityFrom(argv);
  const host = chooseListenHost({ host: argv.host, token: security.token, dataRoots: security.dataRoots });
  // pnpm runs scripts from the workspace root; a relative path means where the user typed the command.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const dataRoots = security.dataRoots.length > 0 ? await DataRoots.of(security.dataRoots, cwd) : DataRoots.unrestricted();

  const logger = createLogger({ name: 'worker', ...logSettingsFrom(argv) }).child({ worker_id: argv.id });
  const log = pinoWorkerLog(logger);
  limitHeapGrowth();
  keepThreadYoungGeneration();
  const pool = createChunkPool({ concurrency: argv.concurrency });
  // Read at each scrape, by then `worker` exists.
  const metrics = new WorkerMetrics({ chunksInFlight: (): number => worker.chunksInFlight, threadUtilization: () => pool.utilization });
  const client = createCoordinatorClient(argv.coordinator, { token: security.token, ca: security.ca });
  const link = new CoordinatorLink({
    client,
    workerId: argv.id,
    advertiseHost: argv['advertise-host'],
    concurrency: argv.concurrency,
    tls: security.tls !== undefined,
    log,
  });
  const worker: ChunkWorker = new ChunkWorker({
    workerId: argv.id,
    concurrency: argv.concurrency,
    // As JSON bytes: the worker only forwards a partial, so its objects never need to exist here. The
    // input's path is the real path the app confined it to.
    process: metrics.counting((task, signal) => pool.runAsJson(chunkJobFor(task), { signal })),
    reporter: link,
    log,
  });
  link.holdLeasesOf(worker);
  const running = await listen(createApp(worker, { token: security.token, dataRoots, metrics: metrics.registry, logger }), { port: argv.port, host, tls: security.tls });
  // The embedded cluster and tests read these lines on stdout to learn the port; they are not log lines.
  process.stdout.write(`worker ${argv.id} listening on ${running.boundUrl}\n`);
  process.stdout.write(`worker ${argv.id}: ${describeExposure(running.boundHost, security.token)}${dataRoots.restricted ? `; inputs confined to ${dataRoots.roots.join(', ')}` : ''}\n`);
  logger.info({ url: running.boundUrl, concurrency: argv.concurrency }, 'listening');

  let stopping: Promise<void> | null = null;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      // The server stays up until the worker has deregistered: meanwhile it answers 503 to new chunks.
      await leaveGracefully({ worker, link, graceMs: argv['shutdown-grace'], log });
      await running.close();
      await pool.close();
    })());
  onShutdownSignal(shutdown, logger);
  if (argv['exit-with-pid'] !== undefined) exitWhenProcessDies(argv['exit-with-pid'], () => void shutdown().finally(() => process.exit(0)));
  try {
    // Register the port actually bound (it differs from --port when that was 0).
    await link.start(running.port);
  } catch (err) {
    // A shutdown during the first registration stops its retries; the shutdown then ends the process.
    if (!(err instanceof RetryCancelledError)) throw err;
  }
}

// A failure to start is the command's error message, plain text like yargs's own, not a log line.
main().catch((err) => {
  process.stderr.write(`worker: ${escapeControl(err instanceof Error ? err.message : String(err))}\n`);
  process.exit(1);
});
