// Numbers as both reports show them.
export const number = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 3 });
export const percent = (r: number): string => `${(r * 100).toFixed(2)}%`;
export const msOrDash = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${number(v)} ms`);

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** Entries by count, largest first, ties by key: the order of every counts table. */
export function byCount(record: Record<string, number>): Array<[string, number]> {
  return Object.entries(record).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Status classes in order (1xx … 5xx), each with its codes in order. */
export function statusGroups(classes: Record<string, number>, codes: Record<string, number>): Array<{ name: string; count: number; codes: Array<[string, number]> }> {
  return Object.keys(classes)
    .sort()
    .map((name) => ({
      name,
      count: classes[name],
      codes: Object.entries(codes)
        .filter(([code]) => `${code[0]}xx` === name)
        .sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    }));
}
