package dev.reach.runner.process;

/**
 * Where a watcher must stop a job: the lease was committed by the database no earlier than the
 * moment the runner sent the request that produced it, so {@code sent + ttl} is no later than the
 * database's expiry; a margin for the kill itself comes off.
 */
public final class LeaseDeadline {
  private LeaseDeadline() {}

  /** The watcher deadline (centiseconds of the watcher clock) for a lease granted or renewed by a request sent at {@code sentAtCentis}. */
  public static long of(long sentAtCentis, long ttlMs, long killMarginMs) {
    return sentAtCentis + (ttlMs - killMarginMs) / 10;
  }
}
