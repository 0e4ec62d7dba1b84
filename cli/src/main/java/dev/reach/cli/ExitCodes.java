package dev.reach.cli;

/** The exit codes of {@code reachctl}. */
public final class ExitCodes {
  /** Done (for {@code status --wait}: the run succeeded). */
  public static final int OK = 0;
  /** The command failed: an API error, a failed start, a run that did not succeed. */
  public static final int FAILED = 1;
  /** Bad usage or invalid configuration (a {@code REACH_*} variable). */
  public static final int USAGE = 2;
  /** The API could not be reached (connection refused, no answer in time). */
  public static final int UNREACHABLE = 3;

  private ExitCodes() {}
}
