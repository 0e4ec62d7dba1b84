package dev.reach.shared.breaker;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The states of a {@link DependencyBreaker} and the one table of moves between them. */
public enum BreakerState {
  /**
   * Calls go through. Each call the dependency did not answer counts a failure; an answer resets the
   * count. Left for {@link #OPEN} when the count reaches the failure threshold.
   */
  CLOSED,
  /**
   * Calls fail at once, without reaching the dependency, with the breaker's "unavailable" code and
   * the time left as retry hint. Left for {@link #HALF_OPEN} by the first call after the reset time.
   */
  OPEN,
  /**
   * Up to the success threshold of trial calls go through (more fail at once). One failure goes
   * back to {@link #OPEN} for another reset time; that many successes in a row to {@link #CLOSED}.
   */
  HALF_OPEN;

  private static final Map<BreakerState, Set<BreakerState>> ALLOWED = new EnumMap<>(Map.of(
      CLOSED, EnumSet.of(OPEN),
      OPEN, EnumSet.of(HALF_OPEN),
      HALF_OPEN, EnumSet.of(OPEN, CLOSED)));

  /** Every legal move, for tests that check each one is exercised. */
  public static Map<BreakerState, Set<BreakerState>> transitions() {
    return ALLOWED;
  }

  /** Throws {@link IllegalStateException} unless {@code from -> to} is in the table. */
  public static void check(BreakerState from, BreakerState to) {
    if (!ALLOWED.get(from).contains(to)) {
      throw new IllegalStateException("illegal breaker transition " + from + " -> " + to);
    }
  }
}
