#!/usr/bin/env node
// `pnpm analyze <file...> [--json] [--coordinator URL]`: runs one job over the files and prints its result. Without a
// coordinator URL it starts an embedded cluster (a coordinator and 2 workers as child processes).
import { resolve } from 'node:path';
import { createCoordinatorClient } from '@loganalyzer/contract';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { formatReport } from './format-report';
import { LocalCluster } from './local-cluster';
import { runJob } from './run-job';

async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('analyze')
    .usage('$0 <file...> [options]\n\nAnalyzes log files on a cluster and prints the metrics merged over all of them.')
    .positional('file', { type: 'string', describe: 'log files to analyze' })
    .demandCommand(1, 'give the log files to analyze')
    .option('json', { type: 'boolean', default: false, describe: 'print the job as JSON' })
    .option('coordinator', { type: 'string', describe: 'URL of a running coordinator (default: start an embedded cluster)' })
    .option('workers', { type: 'number', default: 2, describe: 'workers of the embedded cluster' })
    .option('concurrency', { type: 'number', describe: 'threads per embedded worker (default: CPU count)' })
    .option('format', { choices: ['auto', 'applog', 'json', 'combined', 'common', 'logfmt'] as const, default: 'auto' as const, describe: 'log format; auto detects each line' })
    .option('log-format', { type: 'string', describe: "a custom format as an nginx log_format string, e.g. '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent $request_time'" })
    .option('chunk-size', { type: 'number', describe: 'bytes per chunk (default: at least 4 chunks per worker, at most 64 MiB)' })
    .option('verbose', { type: 'boolean', default: false, describe: "show the embedded cluster's event log" })
    .check((a) => {
      if (!Number.isInteger(a.workers) || a.workers < 1) throw new Error('--workers must be a positive integer');
      if (a['chunk-size'] !== undefined && !(Number.isInteger(a['chunk-size']) && a['chunk-size'] > 0)) throw new Error('--chunk-size must be a positive integer');
      return true;
    })
    .strict()
    .help()
    .parse();

  // pnpm runs scripts from the workspace root; resolve the path against where the user typed it.
  const inputs = argv._.map((file) => resolve(process.env.INIT_CWD ?? process.cwd(), String(file)));
  const started = Date.now();
  let cluster: LocalCluster | null = null;
  try {
    let coordinatorUrl = argv.coordinator;
    if (!coordinatorUrl) {
      cluster = await LocalCluster.start({ workers: argv.workers, concurrency: argv.concurrency, verbose: argv.verbose });
      coordinatorUrl = cluster.coordinatorUrl;
    }
    const job = await runJob(createCoordinatorClient(coordinatorUrl), inputs, { chunkSize: argv['chunk-size'], format: argv.format, logFormat: argv['log-format'], coordinatorUrl });
    if (argv.json) console.log(JSON.stringify(job, null, 2));
    else console.log(formatReport(job, Date.now() - started));
    if (job.status === 'failed') {
      console.error(`analyze: job failed: ${job.error}`);
      return 1;
    }
    return 0;
  } finally {
    await cluster?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`analyze: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
