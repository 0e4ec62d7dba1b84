package dev.reach.shared.config;

/**
 * Who may talk to Reach. {@code REACH_AUTH} (default on): every {@code /api/v1} request needs a bearer
 * token with a role that allows it, and the orchestrator serves only runners that joined with a join
 * token; off (local mode only) lets anyone use the public API and any runner work — the admin API
 * always needs an admin token. {@code REACH_RUNNER_JOIN_TOKEN}: on a runner, the join token it sends
 * with every protocol message; on an orchestrator, a join token it accepts (stored hashed at start,
 * like {@code REACH_ADMIN_TOKEN}; revoking it stops every runner that uses it).
 */
public record AuthSettings(boolean enabled, String runnerJoinToken) {
  /** The shortest token accepted from configuration. */
  public static final int MIN_TOKEN_LENGTH = 16;

  public static AuthSettings from(EnvReader r) {
    boolean enabled = r.bool("REACH_AUTH", true);
    String join = r.string("REACH_RUNNER_JOIN_TOKEN", null);
    if (join != null && join.length() < MIN_TOKEN_LENGTH) {
      r.problem("REACH_RUNNER_JOIN_TOKEN: must be at least " + MIN_TOKEN_LENGTH + " characters (value not shown)");
    }
    return new AuthSettings(enabled, join);
  }

  /** Hides the join token from {@code toString()} (configuration dumps, logs). */
  @Override
  public String toString() {
    return "AuthSettings[enabled=" + enabled + ", runnerJoinToken=" + (runnerJoinToken == null ? "unset" : "set") + "]";
  }
}
