#!/usr/bin/env node
// `pnpm worker --id worker1 --port 8001 --coordinator http://localhost:8000`
import { createCoordinatorClient, WorkerIdSchema } from '@loganalyzer/contract';
import { createChunkPool, defaultConcurrency } from '@loganalyzer/core';
import { exitWhenProcessDies, listen, onShutdownSignal } from '@loganalyzer/server-kit';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createApp } from './app';
import { ChunkWorker } from './chunk-worker';
import { CoordinatorLink } from './coordinator-link';

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('worker')
    .usage('$0 --id ID --port PORT --coordinator URL\n\nAnalyzes the chunks a coordinator sends.')
    .option('id', { type: 'string', demandOption: true, describe: 'worker id, unique in the cluster' })
    .option('port', { type: 'number', default: 8001, describe: 'port to listen on (0 picks a free one)' })
    .option('host', { type: 'string', describe: 'address to listen on (default: all interfaces)' })
    .option('advertise-host', { type: 'string', describe: 'host the coordinator should call (default: the address it sees)' })
    .option('coordinator', { type: 'string', default: 'http://localhost:8000', describe: 'coordinator base URL' })
    .option('concurrency', { type: 'number', default: defaultConcurrency(), describe: 'chunks processed at once, each in its own thread' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no event log on stderr' })
    .option('exit-with-pid', { type: 'number', describe: 'shut down when the process with this pid is gone (for embedded clusters)' })
    .check((a) => {
      WorkerIdSchema.parse(a.id);
      if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new Error(`--port must be 0..65535, got ${a.port}`);
      if (!Number.isInteger(a.concurrency) || a.concurrency < 1) throw new Error(`--concurrency must be a positive integer, got ${a.concurrency}`);
      new URL(a.coordinator);
      return true;
    })
    .strict()
    .help()
    .parse();

  const log = argv.quiet ? () => {} : (m: string) => console.error(`[worker ${argv.id}] ${m}`);
  const pool = createChunkPool({ concurrency: argv.concurrency });
  const client = createCoordinatorClient(argv.coordinator);
  const link = new CoordinatorLink({
    client,
    workerId: argv.id,
    advertiseHost: argv['advertise-host'],
    concurrency: argv.concurrency,
    log,
  });
  const worker = new ChunkWorker({
    workerId: argv.id,
    concurrency: argv.concurrency,
    // As JSON bytes: the worker only forwards a partial, so its objects never need to exist here.
    process: (task, signal) =>
      pool.runAsJson(
        {
          filepath: task.input.path,
          start: task.start,
          size: task.size,
          options: { format: task.log_format !== undefined ? { nginx: task.log_format } : (task.format ?? 'auto'), snapshot: task.snapshot },
        },
        { signal },
      ),
    reporter: link,
    log,
  });
  link.holdLeasesOf(worker);
  const running = await listen(createApp(worker), argv.port, argv.host);
  console.log(`worker ${argv.id} listening on ${running.url}`);
  const shutdown = async (): Promise<void> => {
    link.stop();
    await worker.drain(5000);
    await running.close();
    await pool.close();
  };
  onShutdownSignal(shutdown);
  if (argv['exit-with-pid'] !== undefined) exitWhenProcessDies(argv['exit-with-pid'], () => void shutdown().finally(() => process.exit(0)));
  // Register the port actually bound (it differs from --port when that was 0).
  await link.start(running.port);
}

main().catch((err) => {
  console.error(`worker: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
