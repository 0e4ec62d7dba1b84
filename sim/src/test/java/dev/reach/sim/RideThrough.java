package dev.reach.sim;

import dev.reach.runner.process.LeaseDeadline;
import java.util.OptionalLong;

/**
 * A model of the runner's outage cap ({@code runner.lease.OutageRideThrough}, not in the runner
 * build this module links against): an outage extension is taken only while the time since the
 * last committed renewal (or claim) is within the ride-through cap, and never sets a deadline past
 * {@code lastCommitted + cap + ttl - margin}. Centiseconds of the watcher clock.
 */
final class RideThrough {
  private final SimClock clock;
  private long lastCommittedCentis = Long.MIN_VALUE;
  private boolean riding;

  RideThrough(SimClock clock) {
    this.clock = clock;
  }

  void committed(long sentAtCentis) {
    lastCommittedCentis = Math.max(lastCommittedCentis, sentAtCentis);
    riding = false;
  }

  OptionalLong extension(long sentAtCentis, long ttlMs) {
    if (lastCommittedCentis == Long.MIN_VALUE || (clock.centis() - lastCommittedCentis) * 10 > SimConfig.RIDE_THROUGH_MS) {
      return OptionalLong.empty();
    }
    long asRenewal = LeaseDeadline.of(sentAtCentis, ttlMs, SimConfig.KILL_MARGIN_MS);
    long capped = LeaseDeadline.of(lastCommittedCentis, SimConfig.RIDE_THROUGH_MS + ttlMs, SimConfig.KILL_MARGIN_MS);
    return OptionalLong.of(Math.min(asRenewal, capped));
  }

  /** True the first time in an outage episode. */
  boolean startRiding() {
    boolean first = !riding;
    riding = true;
    return first;
  }
}
