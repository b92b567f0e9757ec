// The exit codes of `analyze`, one per kind of outcome, so a script can tell a failed job from a typo.
export const EXIT = {
  /** The job completed; its report was printed. */
  completed: 0,
  /** The job failed or the coordinator refused it; the reason was printed. */
  jobFailed: 1,
  /** Bad flags or paths: nothing was submitted. */
  usage: 2,
  /** The coordinator could not be reached (at the start, or for too long while following), or refused the token. */
  coordinator: 3,
} as const;

/** A mistake in what the user typed: flags, paths, times. Exits with EXIT.usage. */
export class UsageError extends Error {}
