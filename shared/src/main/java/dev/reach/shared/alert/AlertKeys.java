package dev.reach.shared.alert;

/**
 * The alert keys Reach raises, one constant each, so dashboards, webhook receivers and the
 * documentation agree on the names. A key is one alert's identity: its threshold count, cooldown
 * and sent count are kept per key.
 */
public final class AlertKeys {
  private AlertKeys() {}

  /** CRITICAL, orchestrator and artifact store: the database circuit breaker opened (each re-open counts); closed is success. */
  public static final String DATABASE_UNREACHABLE = "database_unreachable";
  /** WARNING, per breaker ({@code breaker_open.<name>}): a circuit breaker opened; closed is success. */
  public static final String BREAKER_OPEN = "breaker_open";
  /** CRITICAL, orchestrator: this node led and was deposed (the epoch moved on without an orderly hand-over). */
  public static final String LEADER_LOST = "leader_lost";
  /** CRITICAL, orchestrator: this node holds the leader lock but no takeover committed for REACH_ALERT_LEADER_MISSING_MS. */
  public static final String LEADER_MISSING = "leader_missing";
  /** CRITICAL, orchestrator leader: the expiry guard saw a mass lease expiry and graced instead of expiring. */
  public static final String MASS_LEASE_EXPIRY = "mass_lease_expiry";
  /** WARNING, orchestrator leader: the database clock jumped against the monotonic clock between reaper passes. */
  public static final String CLOCK_JUMP = "clock_jump";
  /** CRITICAL, orchestrator leader: work is queued and no runner heartbeated within REACH_RUNNER_ALIVE_WINDOW_MS. */
  public static final String RUNNER_FLEET_EMPTY = "runner_fleet_empty";
  /** WARNING, runner: an artifact was recorded missing after its retries (store unreachable); a stored one is success. */
  public static final String ARTIFACT_UPLOADS_FAILING = "artifact_uploads_failing";
  /** WARNING, runner and artifact store: free disk under the configured minimum, checked periodically. */
  public static final String DISK_PRESSURE = "disk_pressure";
  /**
   * Reserved for the self-healing watchdog (built separately): it calls
   * {@code alerts.failure(AlertKeys.HEAL_BLOCKED, AlertLevel.CRITICAL, why)} when a heal is refused by its
   * cooldown or rate limit, and {@code alerts.success(AlertKeys.HEAL_BLOCKED)} after a heal that worked.
   */
  public static final String HEAL_BLOCKED = "heal_blocked";
  /**
   * CRITICAL, orchestrator: a backup ({@code reachctl admin backup}) failed — raised at once when its
   * {@code backup_failed} event arrives (even when the database cannot take the event); a
   * {@code backup_taken} is success.
   */
  public static final String BACKUP_FAILED = "backup_failed";

  /** {@code breaker_open.<name>}. */
  public static String breakerOpen(String breakerName) {
    return BREAKER_OPEN + "." + breakerName;
  }
}
