package dev.reach.shared.breaker;

import dev.reach.shared.config.ReachConfig;

/**
 * Thresholds of a {@link DependencyBreaker}: consecutive failures to open, consecutive successes in
 * half-open to close, and how long it stays open before a trial.
 */
public record BreakerSettings(int failuresToOpen, int successesToClose, long resetMs) {
  public static final int DEFAULT_FAILURES = 5;
  public static final int DEFAULT_SUCCESSES = 2;
  public static final long DEFAULT_RESET_MS = 60_000;

  public BreakerSettings {
    if (failuresToOpen < 1 || successesToClose < 1 || resetMs < 1) {
      throw new IllegalArgumentException("breaker thresholds must be positive: " + failuresToOpen + ", "
          + successesToClose + ", " + resetMs);
    }
  }

  /** Every dependency but the database: {@code REACH_BREAKER_FAILURES}, {@code _SUCCESSES}, {@code _RESET_MS}. */
  public static BreakerSettings dependencies(ReachConfig cfg) {
    return new BreakerSettings(cfg.breakerFailures(), cfg.breakerSuccesses(), cfg.breakerResetMs());
  }
}
