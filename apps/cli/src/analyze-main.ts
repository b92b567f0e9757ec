#!/usr/bin/env node
// `pnpm analyze <path...> [--json] [--html FILE] [--since T] [--until T] [--coordinator URL [--token T] [--ca FILE]]`:
// runs one job over the files and prints its result. Without a coordinator URL it starts an embedded
// cluster (a coordinator and 2 workers as child processes, with a token of their own).
import { CoordinatorClient, createCoordinatorClient, Job } from '@loganalyzer/contract';
import { escapeControl, securityFrom } from '@loganalyzer/server-kit';
import { hideBin } from 'yargs/helpers';
import { AnalyzeArgs, parseAnalyzeArgs } from './analyze-args';
import { assertCoordinatorReachable } from './coordinator-probe';
import { coordinatorUrl } from './coordinator-url';
import { EXIT, UsageError } from './exit-codes';
import { formatReport } from './format-report';
import { expandInputs } from './inputs/expand-inputs';
import { LocalCluster } from './local-cluster';
import { ActiveWorkers } from './progress/active-workers';
import { ProgressDisplay } from './progress/progress-display';
import { htmlOutputPath, writeHtmlReport } from './report/html-output';
import { renderHtmlReport } from './report/html-report';
import { CoordinatorUnreachableError, runJob, UnauthorizedError } from './run-job';
import { toTerminalJson } from './terminal-json';
import { timeWindow } from './time-window';

interface Connection {
  url: string;
  client: CoordinatorClient;
  sendsToken: boolean;
  cluster: LocalCluster | null;
}

async function connect(argv: AnalyzeArgs): Promise<Connection> {
  if (argv.coordinator === undefined) {
    const cluster = await LocalCluster.start({ workers: argv.workers, concurrency: argv.concurrency, verbose: argv.verbose });
    return { url: cluster.coordinatorUrl, client: cluster.client, sendsToken: true, cluster };
  }
  const url = coordinatorUrl(argv.coordinator);
  let security;
  try {
    security = securityFrom({ token: argv.token, 'token-file': argv['token-file'], ca: argv.ca });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  await assertCoordinatorReachable(url, security.ca);
  return { url, client: createCoordinatorClient(url, { token: security.token, ca: security.ca }), sendsToken: security.token !== undefined, cluster: null };
}

/** Bars of the timeline chart: the terminal's width less the axis, or 60 into a pipe. */
function chartColumns(): number {
  return process.stdout.isTTY && process.stdout.columns ? Math.max(20, Math.min(120, process.stdout.columns - 16)) : 60;
}

async function main(): Promise<number> {
  const argv = await parseAnalyzeArgs(hideBin(process.argv));
  // pnpm runs scripts from the workspace root; read paths against where the user typed them.
  const base = process.env.INIT_CWD ?? process.cwd();
  const window = timeWindow(argv.since, argv.until, Date.now());
  const htmlPath = htmlOutputPath(argv.html, base);
  const outputs = htmlPath === undefined ? [] : [{ path: htmlPath, role: 'the --html report this run writes' }];
  const files = await expandInputs(argv._.map(String), base, (note) => console.error(`analyze: ${note}`), outputs);

  const started = Date.now();
  const connection = await connect(argv);
  try {
    const progress = argv.progress && !argv.verbose ? ProgressDisplay.on(process.stderr) : null;
    const workers = new ActiveWorkers(connection.client);
    let job: Job;
    try {
      job = await runJob(connection.client, files, {
        chunkSize: argv['chunk-size'],
        format: argv.format,
        logFormat: argv['log-format'],
        sinceMs: window.sinceMs,
        untilMs: window.untilMs,
        coordinatorUrl: connection.url,
        sendsToken: connection.sendsToken,
        onProgress: progress ? (j) => progress.update(j, workers.latest()) : undefined,
      });
    } finally {
      progress?.finish();
    }
    const elapsedMs = Date.now() - started;
    // JSON carries the failure for machines; a person gets only the reason, not a report of zeros.
    if (argv.json) console.log(toTerminalJson(job));
    if (job.status === 'failed') {
      console.error(`analyze: job failed: ${escapeControl(job.error ?? 'no reason given')}`);
      return EXIT.jobFailed;
    }
    if (!argv.json) console.log(formatReport(job, elapsedMs, chartColumns()));
    if (htmlPath !== undefined) {
      writeHtmlReport(htmlPath, renderHtmlReport(job, elapsedMs));
      console.error(`analyze: wrote the HTML report to ${escapeControl(htmlPath)}`);
    }
    return EXIT.completed;
  } finally {
    await connection.cluster?.stop();
  }
}

function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof UnauthorizedError || err instanceof CoordinatorUnreachableError) return EXIT.coordinator;
  return EXIT.jobFailed;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    // Messages quote the coordinator, and through it paths and log text.
    console.error(`analyze: ${escapeControl(err instanceof Error ? err.message : String(err))}`);
    process.exit(exitCodeOf(err));
  },
);
