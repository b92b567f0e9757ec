#!/usr/bin/env node
// `pnpm coordinator --port 8000`: parses the command line, opens the state, builds the app, listens,
// stops on signals.
import { resolve } from 'node:path';
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
import { Coordinator } from './coordinator';
import { dashboardLine } from './dashboard/dashboard-line';
import { EventStreamHub } from './dashboard/event-stream-hub';
import { MemoryStore } from './state/memory-store';
import { SqliteStore } from './state/sqlite-store';
import { coordinatorMetrics } from './telemetry/coordinator-metrics';
import { logEvents } from './telemetry/event-log';
import { httpWorkerCalls } from './worker-calls';
import { parseAllowList, WorkerHostPolicy } from './worker-hosts';

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('coordinator')
    .usage('$0 [options]\n\nRegisters workers, splits log files into chunks, merges the results.')
    .option('port', { type: 'number', default: 8000, describe: 'port to listen on (0 picks a free one)' })
    .option('host', { type: 'string', describe: 'address to listen on (default 127.0.0.1; beyond loopback needs a token and --data-root)' })
    .options(SERVER_FLAGS)
    .options(CLIENT_FLAGS)
    .option('allow-worker-hosts', { type: 'string', array: true, describe: 'IP addresses or CIDR ranges a registration may name as its host besides its own source address' })
    .option('state', {
      type: 'string',
      default: process.env.LOGANALYZER_STATE ?? './.loganalyzer/state.db',
      describe: 'SQLite file holding jobs, chunks, leases and partials (":memory:": nothing survives a restart); default $LOGANALYZER_STATE or ./.loganalyzer/state.db',
    })
    .option('heartbeat-interval', { type: 'number', default: 1000, describe: 'ms between worker heartbeats (told to workers)' })
    .option('worker-timeout', { type: 'number', describe: 'ms without a heartbeat before a worker is inactive (default 3x the heartbeat interval)' })
    .option('lease-timeout', { type: 'number', describe: 'ms a chunk lease lives without a renewing heartbeat (default: the worker timeout)' })
    .option('deadline-base', { type: 'number', default: 60_000, describe: 'ms every chunk attempt may take before it is taken back, renewed or not...' })
    .option('deadline-rate', { type: 'number', default: 1024 * 1024, describe: '...plus its size at this many bytes per second' })
    .option('max-attempts', { type: 'number', default: 4, alias: 'max-chunk-failures', describe: 'failed or expired attempts of one chunk before its job fails' })
    .option('max-chunks-per-job', { type: 'number', default: 100_000, describe: 'chunk limit per job; the chunk size is raised to stay within it' })
    .option('checkpoint-interval', { type: 'number', default: 30_000, describe: "a running job's merged metrics are checkpointed after 64 commits or this many ms; a finished job's once the coordinator is idle" })
    .option('straggler-min', { type: 'number', default: 10_000, describe: 'ms a chunk must run (and 4x the median) before it gets a backup attempt' })
    .option('retain', { type: 'number', default: 1000, describe: 'finished jobs kept; older ones are deleted with their partials' })
    .option('prefetch', { type: 'number', default: 1, describe: "chunks a worker may hold queued beyond its concurrency while a job has plenty waiting, so its threads do not idle through each commit's round trip" })
    .options(LOG_FLAGS)
    .option('exit-with-pid', { type: 'number', describe: 'shut down when the process with this pid is gone (for embedded clusters)' })
    .check((a) => {
      if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new Error(`--port must be 0..65535, got ${a.port}`);
      for (const name of ['heartbeat-interval', 'worker-timeout', 'lease-timeout', 'deadline-base', 'deadline-rate', 'checkpoint-interval', 'straggler-min'] as const) {
        const value = a[name];
        if (value !== undefined && !(value > 0)) throw new Error(`--${name} must be positive, got ${value}`);
      }
      for (const name of ['max-attempts', 'max-chunks-per-job'] as const) {
        if (!Number.isInteger(a[name]) || a[name] < 1) throw new Error(`--${name} must be a positive integer, got ${a[name]}`);
      }
      for (const name of ['retain', 'prefetch'] as const) {
        if (!Number.isInteger(a[name]) || a[name] < 0) throw new Error(`--${name} must be a non-negative integer, got ${a[name]}`);
      }
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
  const workerHosts = new WorkerHostPolicy(parseAllowList(argv['allow-worker-hosts'] ?? []));
  const workerCalls = httpWorkerCalls({ token: security.token, ca: security.ca });
  const store = argv.state === ':memory:' ? new MemoryStore() : openStore(resolve(cwd, argv.state));
  const coordinator = new Coordinator({
    sendChunk: workerCalls.sendChunk,
    isWorkerLive: workerCalls.isWorkerLive,
    store,
    heartbeatIntervalMs: argv['heartbeat-interval'],
    workerTimeoutMs: argv['worker-timeout'],
    leaseMs: argv['lease-timeout'],
    deadlineBaseMs: argv['deadline-base'],
    deadlineBytesPerSecond: argv['deadline-rate'],
    maxAttempts: argv['max-attempts'],
    maxChunksPerJob: argv['max-chunks-per-job'],
    checkpointIntervalMs: argv['checkpoint-interval'],
    stragglerMinMs: argv['straggler-min'],
    retainFinishedJobs: argv.retain,
    prefetch: argv.prefetch,
  });
  const logger = createLogger({ name: 'coordinator', ...logSettingsFrom(argv) });
  logEvents(coordinator.events, logger);
  // Before start(): resuming jobs emits events the counters must see.
  const metrics = coordinatorMetrics(coordinator);
  coordinator.start();
  const eventStream = new EventStreamHub(coordinator);
  const app = createApp(coordinator, { token: security.token, dataRoots, workerHosts, metrics, logger, eventStream });
  const running = await listen(app, { port: argv.port, host, tls: security.tls });
  // The embedded cluster and tests read these lines on stdout to learn the port; they are not log lines.
  process.stdout.write(`coordinator listening on ${running.boundUrl}\n`);
  process.stdout.write(`coordinator: ${describeExposure(running.boundHost, security.token)}${dataRoots.restricted ? `; inputs confined to ${dataRoots.roots.join(', ')}` : ''}\n`);
  process.stdout.write(`${dashboardLine(running.url, security.token !== undefined)}\n`);
  logger.info({ url: running.boundUrl, state: argv.state }, 'listening');
  const shutdown = async (): Promise<void> => {
    // Dispatch stops and the state is checkpointed before the port closes: a worker's last reports
    // either commit or find no server, never a half-closed store. Open dashboards are ended first:
    // their streams would otherwise hold the port open.
    eventStream.close();
    await coordinator.close();
    await running.close();
  };
  onShutdownSignal(shutdown, logger);
  if (argv['exit-with-pid'] !== undefined) exitWhenProcessDies(argv['exit-with-pid'], () => void shutdown().finally(() => process.exit(0)));
}

function openStore(path: string): SqliteStore {
  try {
    return new SqliteStore(path);
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(/locked|busy/i.test(message) ? `state file ${path} is in use by another coordinator` : `cannot open state file ${path}: ${message}`);
  }
}

// A failure to start is the command's error message, plain text like yargs's own, not a log line.
main().catch((err) => {
  process.stderr.write(`coordinator: ${escapeControl(err instanceof Error ? err.message : String(err))}\n`);
  process.exit(1);
});
