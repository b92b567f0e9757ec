#!/usr/bin/env node
// `pnpm analyze <file...> [--json] [--coordinator URL [--token T] [--ca FILE]]`: runs one job over the files and
// prints its result. Without a coordinator URL it starts an embedded cluster (a coordinator and 2 workers as
// child processes, with a token of their own).
import { resolve } from 'node:path';
import { CoordinatorClient, createCoordinatorClient } from '@loganalyzer/contract';
import { CLIENT_FLAGS, escapeControl, securityFrom, TOKEN_FLAGS } from '@loganalyzer/server-kit';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { formatReport } from './format-report';
import { LocalCluster } from './local-cluster';
import { runJob } from './run-job';
import { toTerminalJson } from './terminal-json';

async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('analyze')
    .usage('$0 <file...> [options]\n\nAnalyzes log files on a cluster and prints the metrics merged over all of them.')
    .positional('file', { type: 'string', describe: 'log files to analyze' })
    .demandCommand(1, 'give the log files to analyze')
    .option('json', { type: 'boolean', default: false, describe: 'print the job as JSON' })
    .option('coordinator', { type: 'string', describe: 'URL of a running coordinator (default: start an embedded cluster)' })
    .option('token', { ...TOKEN_FLAGS.token, describe: "the --coordinator's cluster token (default $LOGANALYZER_TOKEN)" })
    .option('token-file', { ...TOKEN_FLAGS['token-file'], describe: "read the --coordinator's cluster token from this file" })
    .option('ca', { ...CLIENT_FLAGS.ca, describe: 'PEM certificate to trust for an https:// --coordinator (a self-signed cluster certificate)' })
    .option('workers', { type: 'number', default: 2, describe: 'workers of the embedded cluster' })
    .option('concurrency', { type: 'number', describe: 'threads per embedded worker (default: CPU count)' })
    .option('format', { choices: ['auto', 'applog', 'json', 'combined', 'common', 'logfmt'] as const, default: 'auto' as const, describe: 'log format; auto detects each line' })
    .option('log-format', { type: 'string', describe: "a custom format as an nginx log_format string, e.g. '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent $request_time'" })
    .option('chunk-size', { type: 'number', describe: 'bytes per chunk (default: at least 4 chunks per worker, at most 64 MiB)' })
    .option('verbose', { type: 'boolean', default: false, describe: "show the embedded cluster's event log" })
    .check((a) => {
      if (!Number.isInteger(a.workers) || a.workers < 1) throw new Error('--workers must be a positive integer');
      if (a['chunk-size'] !== undefined && !(Number.isInteger(a['chunk-size']) && a['chunk-size'] > 0)) throw new Error('--chunk-size must be a positive integer');
      // Given without --coordinator they would be silently unused.
      for (const flag of ['token', 'token-file', 'ca'] as const) {
        if (a[flag] !== undefined && a.coordinator === undefined) throw new Error(`--${flag} goes with --coordinator: the embedded cluster makes its own token and needs no certificate`);
      }
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
    let coordinatorUrl: string;
    let client: CoordinatorClient;
    let sendsToken: boolean;
    if (argv.coordinator !== undefined) {
      const { token, ca } = securityFrom({ token: argv.token, 'token-file': argv['token-file'], ca: argv.ca });
      coordinatorUrl = argv.coordinator;
      client = createCoordinatorClient(coordinatorUrl, { token, ca });
      sendsToken = token !== undefined;
    } else {
      cluster = await LocalCluster.start({ workers: argv.workers, concurrency: argv.concurrency, verbose: argv.verbose });
      coordinatorUrl = cluster.coordinatorUrl;
      client = cluster.client;
      sendsToken = true;
    }
    const job = await runJob(client, inputs, { chunkSize: argv['chunk-size'], format: argv.format, logFormat: argv['log-format'], coordinatorUrl, sendsToken });
    if (argv.json) console.log(toTerminalJson(job));
    else console.log(formatReport(job, Date.now() - started));
    if (job.status === 'failed') {
      console.error(`analyze: job failed: ${escapeControl(job.error ?? 'no reason given')}`);
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
    // Messages quote the coordinator, and through it paths and log text.
    console.error(`analyze: ${escapeControl(err instanceof Error ? err.message : String(err))}`);
    process.exit(1);
  },
);
