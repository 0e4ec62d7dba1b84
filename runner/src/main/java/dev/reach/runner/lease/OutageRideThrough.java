package dev.reach.runner.lease;

import dev.reach.runner.process.LeaseDeadline;
import dev.reach.runner.process.WatcherClock;
import java.util.OptionalLong;

/**
 * The runner's side of the outage cap. While the database is down the leader may grant outage
 * extensions (nothing committed); the runner takes one only while the time since its last
 * <em>committed</em> renewal is within {@code REACH_OUTAGE_RIDE_THROUGH_MS}, and never sets a
 * watcher deadline past {@code lastCommitted + cap + ttl - margin} (with the smaller of its own
 * TTL and the one the leader sent) — whatever the leader says. So
 * a deposed leader, a confused one, or a runner that lost track of time cannot stretch a lease
 * beyond the grace the reaper commits when the database returns ({@code now + cap + ttl}).
 *
 * <p>Times are centiseconds of the {@link WatcherClock} (the watchers' monotonic clock). Not
 * thread-safe: used on the runner's context.
 */
public final class OutageRideThrough {
  private final WatcherClock clock;
  private final long capMs;
  private final long ttlMs;
  private final long killMarginMs;
  private long lastCommittedCentis = Long.MIN_VALUE;
  private long ridingSinceCentis = Long.MIN_VALUE;
  private boolean capReported;

  public OutageRideThrough(WatcherClock clock, long capMs, long ttlMs, long killMarginMs) {
    this.clock = clock;
    this.capMs = capMs;
    this.ttlMs = ttlMs;
    this.killMarginMs = killMarginMs;
  }

  /**
   * A renewal (or a claim) sent at {@code sentAtCentis} committed. Returns how long the runner had
   * been riding through an outage in milliseconds, or -1 if it was not.
   */
  public long committed(long sentAtCentis) {
    lastCommittedCentis = Math.max(lastCommittedCentis, sentAtCentis);
    long rode = riding() ? (clock.nowCentis() - ridingSinceCentis) * 10 : -1;
    ridingSinceCentis = Long.MIN_VALUE;
    capReported = false;
    return rode;
  }

  /**
   * The watcher deadline an outage extension of {@code ttlMs}, answering a request sent at
   * {@code sentAtCentis}, may set now; empty once the cap has passed (or before anything ever
   * committed). The deadline is the one a renewal would give, capped.
   */
  public OptionalLong extension(long sentAtCentis, long ttlMs) {
    if (lastCommittedCentis == Long.MIN_VALUE || sinceCommittedMs() > capMs) {
      return OptionalLong.empty();
    }
    long asRenewal = LeaseDeadline.of(sentAtCentis, ttlMs, killMarginMs);
    long capped = LeaseDeadline.of(lastCommittedCentis, capMs + Math.min(ttlMs, this.ttlMs), killMarginMs);
    return OptionalLong.of(Math.min(asRenewal, capped));
  }

  /** Milliseconds since the last committed renewal (or claim) was sent; {@code Long.MAX_VALUE} before any. */
  public long sinceCommittedMs() {
    if (lastCommittedCentis == Long.MIN_VALUE) {
      return Long.MAX_VALUE;
    }
    return (clock.nowCentis() - lastCommittedCentis) * 10;
  }

  /** Marks the start of riding through; true only for the first call of an outage episode (to log it once). */
  public boolean startRiding() {
    if (riding()) {
      return false;
    }
    ridingSinceCentis = clock.nowCentis();
    return true;
  }

  /** True the first time the cap is found passed in an episode (to log it once). */
  public boolean capPassedFirstTime() {
    if (capReported) {
      return false;
    }
    capReported = true;
    return true;
  }

  public boolean riding() {
    return ridingSinceCentis != Long.MIN_VALUE;
  }

  public long capMs() {
    return capMs;
  }
}
