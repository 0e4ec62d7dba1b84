package dev.reach.shared.alert;

import dev.reach.shared.heal.Watchdog;

/**
 * The {@code heal_blocked} alert of one service: raised (CRITICAL, as a one-off event, so at once
 * unless its cooldown holds it back) when the watchdog leaves one of the service's components
 * unhealed because its self-healing policy is blocked; resolved by the next heal that works.
 */
public final class HealAlerts {
  private HealAlerts() {}

  /** Watches the components whose names start with {@code service + "."}. */
  public static void watch(Watchdog watchdog, Alerts alerts, String service) {
    String prefix = service + ".";
    watchdog.onRecord(r -> {
      if (!r.component().startsWith(prefix)) {
        return;
      }
      if ("refused_blocked".equals(r.outcome())) {
        alerts.event(AlertKeys.HEAL_BLOCKED, AlertLevel.CRITICAL, r.component() + " needs a restart but automatic"
            + " recovery is blocked by the churn policy (" + r.detail() + "); restart it by hand with"
            + " acknowledge_blocked");
      } else if ("restarted".equals(r.outcome())) {
        alerts.success(AlertKeys.HEAL_BLOCKED);
      }
    });
  }
}
