/** rel's documented exit codes (README "Exit codes"). */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** Any error: bad chart, cluster error, failed release. */
  ERROR: 1,
  /** Usage error: unknown flag, missing argument, conflicting flags. Also `rel diff --detailed-exitcode` when there are changes. */
  USAGE: 2,
  /** A progressive rollout was rolled back automatically (failed analysis, readiness or timeout). */
  ROLLED_BACK: 3,
  /** Refused: outside a maintenance window or inside a freeze (`rel window check` when not allowed). */
  OUTSIDE_WINDOW: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
