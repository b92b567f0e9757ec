// Plain-text tables for the terminal: a title, a header row and columns padded to their widest cell.
export type Align = 'left' | 'right';

export interface Table {
  title: string;
  headers: string[];
  align: Align[];
  rows: string[][];
}

export function renderTable(table: Table): string {
  const widths = table.headers.map((header, column) => Math.max(header.length, ...table.rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (table.align[column] === 'right' ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [table.title, line(table.headers), rule, ...table.rows.map((row) => line(row))].join('\n');
}

export const fixed = (value: number, digits = 1): string => value.toFixed(digits);
/** A count in M or k with three significant digits or so. */
export function count(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k`;
  return String(Math.round(value));
}

/** A ratio, with more decimals when it is small, so that 0.003× does not print as 0.00×. */
export const times = (value: number): string => `${value.toFixed(value >= 0.1 ? 2 : 3)}×`;
