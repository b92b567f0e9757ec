export { AppError } from './app-error';
export { escapeControl } from './safe-text';
export { validationErrorBody, respondWithValidationError } from './validation-error';
export type { RequestValidationFailure } from './validation-error';
export { errorHandler, notFoundHandler, toAppError } from './error-middleware';
export { listen, onShutdownSignal } from './listen';
export type { RunningServer } from './listen';
export { exitWhenProcessDies } from './parent-watch';
