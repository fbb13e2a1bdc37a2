// Distinct exit codes, so scripts and CI can tell what went wrong without parsing text.
export const EXIT = {
  OK: 0,
  /** gate: a regression was found. */
  REGRESSION: 1,
  /** Bad flags, bad scenario or config file, bad or missing baseline. */
  USAGE: 2,
  /** gate --fail-on-inconclusive: not enough evidence either way. */
  INCONCLUSIVE: 3,
  /** The target never got ready, exited early, or could not be started. */
  TARGET_FAILED: 4,
  /** inspect: no such process, a zombie or a kernel thread. */
  NO_PROCESS: 5,
  /** inspect: not Linux (no /proc). */
  UNSUPPORTED_PLATFORM: 6,
  /** A needed external program (nginx, chromium) is not installed. */
  MISSING_DEPENDENCY: 7,
  /** Interrupted by Ctrl-C, SIGTERM, SIGHUP or a closed stdout; partial results were kept. */
  INTERRUPTED: 130,
  /**
   * A bug in cpdiag itself (sysexits.h EX_SOFTWARE): an exception that is not a CpdiagError
   * reached the CLI, e.g. pure code refusing arguments its caller should have validated.
   */
  SOFTWARE: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error meant for the user: printed as one line (plus an optional hint), never a stack trace. */
export class CpdiagError extends Error {
  constructor(message: string, readonly exitCode: ExitCode = EXIT.USAGE, readonly hint?: string) {
    super(message);
    this.name = 'CpdiagError';
  }
}
