// The flags of `analyze`, parsed and checked; every mistake is a UsageError with one line to print.
import { CLIENT_FLAGS, TOKEN_FLAGS } from '@loganalyzer/server-kit';
import yargs from 'yargs';
import { UsageError } from './exit-codes';

const FORMATS = ['auto', 'applog', 'json', 'combined', 'common', 'logfmt'] as const;

const USAGE = `$0 <path...> [options]

Analyzes log files on a cluster and prints the metrics merged over all of them. A path is a file, a
directory (read recursively, hidden files skipped) or a glob ('logs/**/*.log', quoted or expanded by
the shell). Binaries and compressed files other than gzip are skipped with a note.

Exit codes: 0 completed, 1 the job failed, 2 bad usage or paths, 3 coordinator unreachable or token refused.`;

export function parseAnalyzeArgs(args: string[]) {
  return yargs(args)
    .scriptName('analyze')
    .usage(USAGE)
    .positional('path', { type: 'string', describe: 'log files, directories or globs to analyze' })
    .demandCommand(1, 'give the log files, directories or globs to analyze')
    .option('json', { type: 'boolean', default: false, describe: 'print the job as JSON' })
    .option('html', { type: 'string', describe: 'also write a self-contained HTML report (charts included) to this file' })
    .option('since', { type: 'string', describe: 'only lines at or after this time: ISO 8601 (2024-01-24T10:00Z; UTC without an offset) or a duration before now (30m, 2h, 7d)' })
    .option('until', { type: 'string', describe: 'only lines before this time, written as for --since' })
    .option('progress', { type: 'boolean', default: true, describe: 'show a progress line on stderr when it is a terminal (--no-progress hides it)' })
    .option('coordinator', { type: 'string', describe: 'address of a running coordinator, e.g. http://host:8000 or host:8000 (default: start an embedded cluster)' })
    .option('token', { ...TOKEN_FLAGS.token, describe: "the --coordinator's cluster token (default $LOGANALYZER_TOKEN)" })
    .option('token-file', { ...TOKEN_FLAGS['token-file'], describe: "read the --coordinator's cluster token from this file" })
    .option('ca', { ...CLIENT_FLAGS.ca, describe: 'PEM certificate to trust for an https:// --coordinator (a self-signed cluster certificate)' })
    .option('workers', { type: 'number', default: 2, describe: 'workers of the embedded cluster' })
    .option('concurrency', { type: 'number', describe: 'threads per embedded worker (default: the CPU count shared among the workers, at least 1)' })
    .option('format', { choices: FORMATS, default: 'auto' as const, describe: 'log format; auto detects each line' })
    .option('log-format', { type: 'string', describe: "a custom format as an nginx log_format string, e.g. '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent $request_time'" })
    .option('chunk-size', { type: 'number', describe: 'bytes per chunk (default: at least 2 chunks per worker, at most 256 MiB)' })
    .option('verbose', { type: 'boolean', default: false, describe: "show the embedded cluster's event log (instead of the progress line)" })
    .check((a) => {
      if (!Number.isInteger(a.workers) || a.workers < 1) throw new Error('--workers must be a positive integer');
      if (a['chunk-size'] !== undefined && !(Number.isInteger(a['chunk-size']) && a['chunk-size'] > 0)) throw new Error('--chunk-size must be a positive integer');
      if (a.html !== undefined && a.html === '') throw new Error('--html needs a file name');
      // Given without --coordinator they would be silently unused.
      for (const flag of ['token', 'token-file', 'ca'] as const) {
        if (a[flag] !== undefined && a.coordinator === undefined) throw new Error(`--${flag} goes with --coordinator: the embedded cluster makes its own token and needs no certificate`);
      }
      return true;
    })
    .strict()
    .help()
    // One line and exit code 2, not yargs' usage dump and exit 1.
    .fail((message, err) => {
      throw new UsageError(message ?? err?.message ?? 'bad usage');
    })
    .parseAsync();
}

export type AnalyzeArgs = Awaited<ReturnType<typeof parseAnalyzeArgs>>;
