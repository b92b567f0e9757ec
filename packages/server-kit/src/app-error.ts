// The one error the apps throw: a code from the contract's closed set, a message for people, the
// cause kept for the log. Its HTTP status comes from the code (ERROR_STATUS), never from the thrower.
import { ERROR_STATUS, type ErrorCode, type ValidationIssue } from '@loganalyzer/contract';

export class AppError extends Error {
  /** With validation_failed: the issues, as a request that fails its schema gets them. */
  readonly issues?: ValidationIssue[];

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; issues?: ValidationIssue[] },
  ) {
    super(message, options);
    this.name = 'AppError';
    if (options?.issues) this.issues = options.issues;
  }

  /** A request that passed its schema but is still invalid (a log_format that does not compile). */
  static invalidField(field: string, message: string, cause?: unknown): AppError {
    return new AppError('validation_failed', `body.${field}: ${message}`, { cause, issues: [{ location: 'body', path: [field], code: 'custom', message }] });
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
