// Whether bytes start with a prefix: the check the fallback readers (continuation lines, log-file
// headers, error logs, uWSGI) share. container-lines.ts keeps its own copy, as it runs on every line.

/** Whether buf[i, end) starts with prefix. */
export function startsWith(buf: Buffer, i: number, end: number, prefix: Buffer): boolean {
  if (end - i < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (buf[i + k] !== prefix[k]) return false;
  return true;
}
