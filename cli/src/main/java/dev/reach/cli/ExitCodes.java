package dev.reach.cli;

/** The exit codes of {@code reachctl}, the same for every command (README: "reachctl"). */
public final class ExitCodes {
  /** Done (for {@code status --wait}: the run succeeded). */
  public static final int OK = 0;
  /**
   * The command failed: a run that ended FAILED or CANCELLED ({@code submit --follow}, {@code status --wait}),
   * an error answer of the API, a failed check, drill or start.
   */
  public static final int FAILED = 1;
  /** Bad usage or invalid configuration (a {@code REACH_*} variable). */
  public static final int USAGE = 2;
  /** The hub could not be reached (connection refused, unknown host, TLS failure, no connection or answer in time). */
  public static final int UNREACHABLE = 3;

  private ExitCodes() {}
}
