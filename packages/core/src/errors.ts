// The one error type of the library: a stable code for programs, a message for people, the cause kept.
export type AnalyzerErrorCode = 'file_not_found' | 'file_unreadable' | 'invalid_argument';

export class AnalyzerError extends Error {
  constructor(
    readonly code: AnalyzerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AnalyzerError';
  }
}

/** Converts an fs error into an AnalyzerError that names the file. */
export function fileError(filepath: string, cause: unknown): AnalyzerError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new AnalyzerError('file_not_found', `log file not found: ${filepath}`, { cause });
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AnalyzerError('file_unreadable', `cannot read log file ${filepath}: ${reason}`, { cause });
}
