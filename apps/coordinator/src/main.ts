#!/usr/bin/env node
// `pnpm coordinator --port 8000`: parses the command line, builds the app, listens, stops on signals.
import { exitWhenProcessDies, listen, onShutdownSignal } from '@loganalyzer/server-kit';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createApp } from './app';
import { httpChunkSender } from './chunk-sender';
import { Coordinator, Logger, silentLogger } from './coordinator';

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('coordinator')
    .usage('$0 [options]\n\nRegisters workers, splits log files into chunks, merges the results.')
    .option('port', { type: 'number', default: 8000, describe: 'port to listen on (0 picks a free one)' })
    .option('host', { type: 'string', describe: 'address to listen on (default: all interfaces)' })
    .option('heartbeat-interval', { type: 'number', default: 1000, describe: 'ms between worker heartbeats (told to workers)' })
    .option('worker-timeout', { type: 'number', describe: 'ms without a heartbeat before a worker is inactive (default 3x the heartbeat interval)' })
    .option('max-chunk-failures', { type: 'number', default: 3, describe: 'failed attempts of one chunk before its job fails' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no event log on stderr' })
    .option('exit-with-pid', { type: 'number', describe: 'shut down when the process with this pid is gone (for embedded clusters)' })
    .check((a) => {
      if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new Error(`--port must be 0..65535, got ${a.port}`);
      if (!(a['heartbeat-interval'] > 0)) throw new Error('--heartbeat-interval must be positive');
      if (a['worker-timeout'] !== undefined && !(a['worker-timeout'] > 0)) throw new Error('--worker-timeout must be positive');
      return true;
    })
    .strict()
    .help()
    .parse();

  const logger: Logger = argv.quiet
    ? silentLogger
    : { info: (m) => console.error(`[coordinator] ${m}`), warn: (m) => console.error(`[coordinator] warning: ${m}`) };
  const coordinator = new Coordinator({
    sendChunk: httpChunkSender(),
    heartbeatIntervalMs: argv['heartbeat-interval'],
    workerTimeoutMs: argv['worker-timeout'],
    maxChunkFailures: argv['max-chunk-failures'],
    logger,
  });
  coordinator.start();
  const running = await listen(createApp(coordinator), argv.port, argv.host);
  // The embedded cluster and tests read this line to learn the port.
  console.log(`coordinator listening on ${running.url}`);
  const shutdown = async (): Promise<void> => {
    coordinator.stop();
    await running.close();
  };
  onShutdownSignal(shutdown);
  if (argv['exit-with-pid'] !== undefined) exitWhenProcessDies(argv['exit-with-pid'], () => void shutdown().finally(() => process.exit(0)));
}

main().catch((err) => {
  console.error(`coordinator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
