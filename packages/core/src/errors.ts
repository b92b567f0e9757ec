// The one error type of the library: a stable code for programs, a message for people, the cause kept.
export type AnalyzerErrorCode =
  | 'file_not_found'
  | 'file_unreadable'
  | 'invalid_argument'
  /** A partial to merge is malformed; the message names the field. */
  | 'invalid_partial'
  /** The input file is not the one that was planned (replaced, or shorter than planned). */
  | 'input_changed'
  /** The input's bytes are not what its kind says (a gzip file that does not decompress). */
  | 'invalid_input'
  /** The caller aborted a chunk before it finished. */
  | 'aborted';

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
