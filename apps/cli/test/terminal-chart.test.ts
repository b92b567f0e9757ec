// The timeline folded into columns, and the bar charts drawn from it: exact rows, bounded width.
import type { MetricsReport } from '@loganalyzer/contract';
import { barRows, timelineChart } from '../src/report/terminal-chart';
import { columnSpan, timelineColumns } from '../src/report/timeline-columns';

type Timeline = MetricsReport['timeline'];

/** Points at minutes after 2024-01-24T10:00Z. */
function timeline(points: Array<[minute: number, requests: number, errors: number]>): Timeline {
  return points.map(([m, requests, errors]) => ({ minute: new Date(Date.UTC(2024, 0, 24, 10, m)).toISOString(), requests, errors, avg_response_time: null, p95_response_time: null }));
}

describe('timelineColumns', () => {
  it('gives one column per minute from the first to the last, gaps as zero, when they fit', () => {
    const folded = timelineColumns(timeline([[0, 5, 1], [3, 2, 0]]), 60);

    expect(folded).toStrictEqual({
      minutesPerColumn: 1,
      end: '2024-01-24T10:04:00.000Z',
      columns: [
        { start: '2024-01-24T10:00:00.000Z', requests: 5, errors: 1 },
        { start: '2024-01-24T10:01:00.000Z', requests: 0, errors: 0 },
        { start: '2024-01-24T10:02:00.000Z', requests: 0, errors: 0 },
        { start: '2024-01-24T10:03:00.000Z', requests: 2, errors: 0 },
      ],
    });
  });

  it('sums consecutive minutes into a column when they do not fit, losing no request', () => {
    const points = timeline(Array.from({ length: 10 }, (_, m) => [m, m + 1, m % 2] as [number, number, number]));

    const folded = timelineColumns(points, 4)!;

    expect(folded.minutesPerColumn).toBe(3);
    expect(folded.columns.map((c) => [c.requests, c.errors])).toStrictEqual([[6, 1], [15, 2], [24, 1], [10, 1]]);
    expect(folded.end).toBe('2024-01-24T10:12:00.000Z');
  });

  it('folds a timeline spanning a year into the width without a slot per minute', () => {
    const yearMinutes = 366 * 24 * 60;
    const folded = timelineColumns(timeline([[0, 1, 0], [yearMinutes - 1, 1, 1]]), 60)!;

    expect(folded.columns).toHaveLength(60);
    expect(folded.columns[0].requests + folded.columns[59].requests).toBe(2);
    expect(folded.columns[59].errors).toBe(1);
  });

  it('has nothing to fold in an empty timeline', () => {
    expect(timelineColumns([], 60)).toBeNull();
  });

  it('names a column by the span it holds', () => {
    expect([1, 5, 60, 120, 1440, 2880, 90].map(columnSpan)).toStrictEqual(['minute', '5 minutes', 'hour', '2 hours', 'day', '2 days', '90 minutes']);
  });
});

describe('barRows', () => {
  it('fills the tallest value to the top in eighths, and shows any value above zero', () => {
    expect(barRows([0, 1, 8, 16, 1000], 2)).toStrictEqual(['    █', ' ▁▁▁█']);
    expect(barRows([4, 8], 1)).toStrictEqual(['▄█']);
    expect(barRows([1, 2, 3, 4, 5, 6, 7, 8], 1)).toStrictEqual(['▁▂▃▄▅▆▇█']);
  });

  it('draws blank rows for no values above zero', () => {
    expect(barRows([0, 0], 2)).toStrictEqual(['  ', '  ']);
  });
});

describe('timelineChart', () => {
  it('draws requests and errors over one time axis, labelled with their peaks, the gap minute empty', () => {
    const lines = timelineChart(timeline([[0, 8, 0], [1, 4, 2], [2, 16, 4], [4, 2, 1]]), { height: 2 });

    expect(lines).toStrictEqual([
      '  requests per minute',
      '    16 |  █  ',
      '     0 |█▄█ ▂',
      '  errors per minute',
      '     4 |  █  ',
      '     0 | ██ ▄',
      '        2024-01-24 10:00 10:05 UTC',
    ]);
  });

  it('lines both charts up under the wider peak label, and leaves out errors when there are none', () => {
    const lines = timelineChart(timeline([[0, 1200, 0], [1, 4, 0]]), { height: 1 });

    expect(lines).toStrictEqual(['  requests per minute', '    1,200 |█▁', '           2024-01-24 10:00 10:02 UTC']);
  });

  it('stays within its width for a long timeline, naming the span of a column', () => {
    const points = timeline(Array.from({ length: 600 }, (_, m) => [m, 10, 1] as [number, number, number]));

    const lines = timelineChart(points, { maxColumns: 40, height: 3 });

    expect(lines[0]).toBe('  requests per 15 minutes');
    expect(lines.slice(1, 4).map((l) => l.split('|')[1].length)).toStrictEqual([40, 40, 40]);
    expect(lines[1]).toBe(`    150 |${'█'.repeat(40)}`);
  });
});
