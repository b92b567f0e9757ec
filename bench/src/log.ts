// Progress and warnings on stderr, so that stdout holds only the report.
export function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
