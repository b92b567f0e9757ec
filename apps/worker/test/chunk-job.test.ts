// What a pool thread is asked for each task: the fields of the task, and a compression for compressed inputs only.
import { chunkJobFor } from '../src/chunk-job';
import { task } from './helpers';

it('asks for the task\'s range of a plain file, with its format and snapshot', () => {
  const t = task({ format: 'applog' });
  expect(chunkJobFor(t)).toStrictEqual({ filepath: '/var/log/app.log', start: 4096, size: 1024, options: { format: 'applog', snapshot: t.snapshot } });
});

it('asks for a gzip input to be decompressed, and an nginx log_format to be compiled', () => {
  const t = task({ input: { kind: 'gzip', path: '/var/log/app.log.gz' }, start: 0, size: 1_048_576, log_format: '$remote_addr $status' });
  expect(chunkJobFor(t)).toStrictEqual({
    filepath: '/var/log/app.log.gz',
    start: 0,
    size: 1_048_576,
    compression: 'gzip',
    options: { format: { nginx: '$remote_addr $status' }, snapshot: t.snapshot },
  });
});

it('passes the job\'s time window, either end open', () => {
  expect(chunkJobFor(task({ since_ms: 1000, until_ms: 2000 })).options?.window).toStrictEqual({ sinceMs: 1000, untilMs: 2000 });
  expect(chunkJobFor(task({ until_ms: 2000 })).options?.window).toStrictEqual({ untilMs: 2000 });
  expect(chunkJobFor(task({ since_ms: -5 })).options?.window).toStrictEqual({ sinceMs: -5 });
  expect(chunkJobFor(task()).options).not.toHaveProperty('window');
});
