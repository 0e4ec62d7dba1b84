package dev.reach.orchestrator.leader;

import dev.reach.shared.alert.AlertKeys;
import dev.reach.shared.alert.AlertLevel;
import dev.reach.shared.alert.Alerts;

/**
 * The leader's alerts: {@code leader_lost} when this node led and was deposed (an orderly step-down
 * is not an alert), {@code leader_missing} while this node holds the leader lock but no takeover has
 * committed for {@code missingMs} (so no node leads: the lock is exclusive), and the expiry guard's
 * verdicts ({@code mass_lease_expiry}, {@code clock_jump}). Used from the leader's context.
 */
public final class LeaderAlerts {
  private final Alerts alerts;
  private final long missingMs;
  private long lockedWithoutEpochSinceMs = -1;

  public LeaderAlerts(Alerts alerts, long missingMs) {
    this.alerts = alerts;
    this.missingMs = missingMs;
  }

  public static LeaderAlerts none() {
    return new LeaderAlerts(Alerts.none(), Long.MAX_VALUE);
  }

  /** After each pass: whether this node leads and whether it holds the lock, at monotonic {@code monoMs}. */
  void observe(boolean leading, boolean lockHeld, long monoMs) {
    if (leading || !lockHeld) {
      lockedWithoutEpochSinceMs = -1;
      alerts.success(AlertKeys.LEADER_MISSING);
      return;
    }
    if (lockedWithoutEpochSinceMs < 0) {
      lockedWithoutEpochSinceMs = monoMs;
    }
    long waited = monoMs - lockedWithoutEpochSinceMs;
    if (waited >= missingMs) {
      alerts.failure(AlertKeys.LEADER_MISSING, AlertLevel.CRITICAL, "no orchestrator leads: this node has held the leader"
          + " lock for " + waited + " ms but its takeover has not committed (is the database reachable?)");
    }
  }

  /** Leadership ended; {@code deposed} when the epoch moved on under this node (not an orderly step-down). */
  void lost(boolean deposed, String why) {
    if (deposed) {
      alerts.event(AlertKeys.LEADER_LOST, AlertLevel.CRITICAL, "this orchestrator lost the leadership: " + why);
    }
  }

  void elected() {
    alerts.success(AlertKeys.LEADER_LOST);
  }

  /** The expiry guard judged a pass an outage instead of expiring. */
  void guarded(ExpiryGuard.Verdict verdict, String detail) {
    if (verdict == ExpiryGuard.Verdict.MASS_EXPIRY) {
      alerts.event(AlertKeys.MASS_LEASE_EXPIRY, AlertLevel.CRITICAL, detail + "; treated as an outage: leases graced");
    } else if (verdict == ExpiryGuard.Verdict.CLOCK_JUMP) {
      alerts.event(AlertKeys.CLOCK_JUMP, AlertLevel.WARNING, detail + "; treated as an outage: leases graced");
    }
  }

  /** A pass expired leases normally (no outage verdict). */
  void reaped() {
    alerts.success(AlertKeys.MASS_LEASE_EXPIRY);
    alerts.success(AlertKeys.CLOCK_JUMP);
  }
}
