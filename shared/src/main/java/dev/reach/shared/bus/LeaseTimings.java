package dev.reach.shared.bus;

/**
 * The lease protocol's timings, derived in one place from the lease TTL, the watchers' kill margin
 * and the request timeout, because they have to fit together.
 *
 * <p>A committed renewal (sent at {@code t}) lets the watchers run the job until
 * {@code t + ttl - margin}: that is the budget. If the database stops answering right after it, the
 * runner learns so only through the next heartbeat (one {@link #heartbeatEveryMs() period} later)
 * running into its {@link #heartbeatTimeoutMs() timeout}; then it asks the leader for an outage
 * extension, and the leader first tries the real renewal for up to {@link #outageRenewalTryMs()}.
 * The extension therefore arrives up to {@link #rideThroughPathMs()} after {@code t}, plus bus hops
 * and scheduling — and it has to arrive before the watchers' deadline, or the jobs fence
 * themselves. Every step is counted from the budget (not from the TTL), so the path takes at most
 * 17/24 of it and leaves the rest (more than a quarter) for the hops, a loaded machine and GC, for
 * every kill margin the configuration allows (up to a third of the TTL).
 *
 * @param ttlMs the lease TTL ({@code REACH_LEASE_TTL_MS})
 * @param killMarginMs what the watchers keep off the TTL ({@code REACH_LEASE_KILL_MARGIN_MS})
 * @param requestTimeoutMs the runner's request timeout ({@code REACH_REQUEST_TIMEOUT_MS})
 */
public record LeaseTimings(long ttlMs, long killMarginMs, long requestTimeoutMs) {

  /** What a committed renewal leaves the watchers: {@code ttl - margin}. */
  public long watcherBudgetMs() {
    return ttlMs - killMarginMs;
  }

  /** How often a runner heartbeats: a third of the watchers' budget. */
  public long heartbeatEveryMs() {
    return Math.max(100, watcherBudgetMs() / 3);
  }

  /**
   * The runner's heartbeat timeout: a quarter of the watchers' budget, at most the request timeout.
   * Short enough that a heartbeat that went to an orchestrator that just died (or that waits on a
   * frozen database) is given up in time for a retry or an outage heartbeat.
   */
  public long heartbeatTimeoutMs() {
    return Math.max(200, Math.min(requestTimeoutMs, watcherBudgetMs() / 4));
  }

  /**
   * How long the leader tries the real renewal before it grants an outage extension instead: half
   * of the runner's heartbeat timeout (so at most an eighth of the watchers' budget), which the
   * outage heartbeat is sent with too.
   */
  public long outageRenewalTryMs() {
    return Math.max(100, heartbeatTimeoutMs() / 2);
  }

  /**
   * The worst case, after a committed renewal was sent, for an outage extension to be answered when
   * the database stops answering right after it (bus hops and scheduling not counted): one period,
   * one heartbeat timeout, the leader's renewal try.
   */
  public long rideThroughPathMs() {
    return heartbeatEveryMs() + heartbeatTimeoutMs() + outageRenewalTryMs();
  }
}
