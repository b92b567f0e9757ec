// The progress line: its exact text at points of a job, cut to the terminal, and how it is drawn on a
// terminal (in place, erased at the end) and not drawn at all into a pipe.
import type { JobProgressUpdate } from '@loganalyzer/contract';
import { ProgressDisplay, ProgressStream } from '../src/progress/progress-display';
import { duration, ProgressSample, renderProgressLine } from '../src/progress/progress-line';

const sample = (over: Partial<ProgressSample>): ProgressSample => ({ bytesDone: 0, bytesTotal: 200_000_000, chunksDone: 0, chunksTotal: 32, workers: 2, elapsedMs: 0, ...over });

it('shows bytes, throughput, ETA, chunks and workers beside a bar', () => {
  const line = renderProgressLine(sample({ bytesDone: 84_000_000, chunksDone: 13, elapsedMs: 4000 }), 120);

  expect(line).toBe('[##########-------------]  42%  84.0/200 MB  21.0 MB/s  ETA 6s  chunks 13/32  workers 2');
});

it('has no ETA before the first byte, and says when it is still planning', () => {
  expect(renderProgressLine(sample({ elapsedMs: 500 }), 120)).toBe('[-----------------------]   0%  0.0/200 MB  0.0 MB/s  ETA -  chunks 0/32  workers 2');
  expect(renderProgressLine(sample({ chunksTotal: 0, bytesTotal: 0, workers: null }), 120)).toBe('planning the job...');
  expect(renderProgressLine(sample({ chunksTotal: 0, bytesTotal: 0 }), 120)).toBe('planning the job...  workers 2');
});

it('keeps the bar the same width while the figures change length', () => {
  const early = renderProgressLine(sample({ bytesDone: 1_000_000, chunksDone: 1, elapsedMs: 1000 }), 100);
  const late = renderProgressLine(sample({ bytesDone: 199_000_000, chunksDone: 31, elapsedMs: 100_000 }), 100);

  expect(early.indexOf(']')).toBe(late.indexOf(']'));
  expect(early.indexOf(']')).toBe(20);
});

it('never reaches the last column, dropping the bar and then cutting the figures on a narrow terminal', () => {
  const s = sample({ bytesDone: 84_000_000, chunksDone: 13, elapsedMs: 4000 });
  for (const columns of [200, 120, 80, 60, 40, 10, 1]) expect(renderProgressLine(s, columns).length).toBeLessThan(Math.max(columns, 1));
  expect(renderProgressLine(s, 60)).toBe(' 42%  84.0/200 MB  21.0 MB/s  ETA 6s  chunks 13/32  workers');
  expect(renderProgressLine(s, 80)).toBe('[######---------]  42%  84.0/200 MB  21.0 MB/s  ETA 6s  chunks 13/32  workers 2');
  expect(renderProgressLine(s, 90)).toBe('[#######----------]  42%  84.0/200 MB  21.0 MB/s  ETA 6s  chunks 13/32  workers 2');
});

it('writes durations as seconds, minutes and hours', () => {
  expect([duration(0), duration(0.2), duration(59), duration(61), duration(3599), duration(3600), duration(7322)]).toStrictEqual(['0s', '1s', '59s', '1m01s', '59m59s', '1h00m', '2h02m']);
});

class FakeTty implements ProgressStream {
  readonly writes: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 120,
  ) {}
  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
}

function job(bytesDone: number, chunksDone: number): JobProgressUpdate {
  return { job_id: 'j', status: 'running', bytes_done: bytesDone, bytes_total: 200_000_000, chunks_done: chunksDone, chunks_total: 32 };
}

it('redraws one line in place on a terminal, skips an unchanged line, and erases it at the end', () => {
  const tty = new FakeTty(true);
  let now = 1000;
  const display = ProgressDisplay.on(tty, () => now)!;

  now = 5000;
  display.update(job(84_000_000, 13), 2);
  display.update(job(84_000_000, 13), 2);
  now = 10_000;
  display.update(job(200_000_000, 32), 2);
  display.finish();
  display.finish();

  expect(tty.writes).toStrictEqual([
    '\r[##########-------------]  42%  84.0/200 MB  21.0 MB/s  ETA 6s  chunks 13/32  workers 2\u001b[K',
    '\r[#######################] 100%  200/200 MB  22.2 MB/s  ETA 0s  chunks 32/32  workers 2\u001b[K',
    '\r\u001b[K',
  ]);
});

it('draws nothing when the stream is not a terminal', () => {
  expect(ProgressDisplay.on(new FakeTty(false))).toBeNull();
});

it('takes 80 columns from a terminal that reports none', () => {
  const tty = new FakeTty(true, 0);
  const display = ProgressDisplay.on(tty, () => 0)!;

  display.update(job(0, 0), null);

  expect(tty.writes).toStrictEqual([`\r${renderProgressLine(sample({ workers: null }), 80)}\u001b[K`]);
});
