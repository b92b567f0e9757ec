#!/usr/bin/env node
// `pnpm --filter @loganalyzer/example-library start`: runs the README's library example on the repo's samples.
import { runLibraryExample } from './library-example';
import { APP_LOG, NGINX_LOG, ROTATED_LOG } from './samples';

runLibraryExample(APP_LOG, NGINX_LOG, ROTATED_LOG).then(
  ({ app, access, chunked, rotated }) => {
    process.stdout.write(`${APP_LOG}: ${app.request_count} requests, ${app.error_count} errors, p99 ${app.response_time.p99?.toFixed(1)} ms\n`);
    process.stdout.write(`  in 4 KiB chunks: ${chunked.request_count} requests, ${chunked.error_count} errors (the same)\n`);
    const top = access.top.paths.items.slice(0, 3).map((item) => `${item.key} ${item.count}`).join(', ');
    process.stdout.write(`${ROTATED_LOG}, 10:05–10:10 UTC: ${rotated.request_count} requests, ${rotated.error_count} errors; ${rotated.outside_window} lines outside the window\n`);
    process.stdout.write(`${NGINX_LOG}: ${access.request_count} requests, p99 ${access.response_time.p99?.toFixed(1)} ms, top paths: ${top}\n`);
  },
  (err: unknown) => {
    process.stderr.write(`library example: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
