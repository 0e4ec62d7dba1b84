package dev.reach.shared.alert;

import java.util.logging.Level;

/**
 * How loud an alert is. Each level has its own {@link AlertPolicy}: how many consecutive failures
 * raise it and how long after a send the same alert stays quiet (defaults: CRITICAL 3 and 1 h,
 * WARNING 5 and 2 h, INFO 10 and 24 h; {@code REACH_ALERT_<LEVEL>_FAILURES} and
 * {@code REACH_ALERT_<LEVEL>_COOLDOWN_MS}).
 */
public enum AlertLevel {
  CRITICAL(Level.SEVERE),
  WARNING(Level.WARNING),
  INFO(Level.INFO);

  private final Level logLevel;

  AlertLevel(Level logLevel) {
    this.logLevel = logLevel;
  }

  /** The java.util.logging level the log channel writes this level at. */
  public Level logLevel() {
    return logLevel;
  }
}
