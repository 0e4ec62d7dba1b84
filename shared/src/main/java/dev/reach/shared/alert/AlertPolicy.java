package dev.reach.shared.alert;

import dev.reach.shared.config.ReachConfig;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * When an alert of one level is sent: after {@code threshold} consecutive failures, then at most
 * once per {@code cooldown} (counted from the last send, across episodes, so a flapping signal
 * does not page every time it comes back).
 */
public record AlertPolicy(int threshold, Duration cooldown) {
  public static final AlertPolicy DEFAULT_CRITICAL = new AlertPolicy(3, Duration.ofHours(1));
  public static final AlertPolicy DEFAULT_WARNING = new AlertPolicy(5, Duration.ofHours(2));
  public static final AlertPolicy DEFAULT_INFO = new AlertPolicy(10, Duration.ofHours(24));

  public AlertPolicy {
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold must be at least 1");
    }
    if (cooldown.isNegative()) {
      throw new IllegalArgumentException("cooldown must not be negative");
    }
  }

  /** The defaults of every level. */
  public static Map<AlertLevel, AlertPolicy> defaults() {
    Map<AlertLevel, AlertPolicy> m = new EnumMap<>(AlertLevel.class);
    m.put(AlertLevel.CRITICAL, DEFAULT_CRITICAL);
    m.put(AlertLevel.WARNING, DEFAULT_WARNING);
    m.put(AlertLevel.INFO, DEFAULT_INFO);
    return m;
  }

  /** The policies configured by {@code REACH_ALERT_*_FAILURES} and {@code REACH_ALERT_*_COOLDOWN_MS}. */
  public static Map<AlertLevel, AlertPolicy> from(ReachConfig cfg) {
    Map<AlertLevel, AlertPolicy> m = new EnumMap<>(AlertLevel.class);
    m.put(AlertLevel.CRITICAL, new AlertPolicy(cfg.alertCriticalFailures(), Duration.ofMillis(cfg.alertCriticalCooldownMs())));
    m.put(AlertLevel.WARNING, new AlertPolicy(cfg.alertWarningFailures(), Duration.ofMillis(cfg.alertWarningCooldownMs())));
    m.put(AlertLevel.INFO, new AlertPolicy(cfg.alertInfoFailures(), Duration.ofMillis(cfg.alertInfoCooldownMs())));
    return m;
  }
}
