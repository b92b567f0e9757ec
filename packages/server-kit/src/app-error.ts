// The one error the apps throw: a code from the contract's closed set, a message for people, the
// cause kept for the log. Its HTTP status comes from the code (ERROR_STATUS), never from the thrower.
import { ERROR_STATUS, type ErrorCode } from '@loganalyzer/contract';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
