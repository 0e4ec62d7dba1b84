package dev.reach.sim;

import java.util.Random;

/**
 * Capped exponential backoff with full jitter, as the runner's {@code retry.Backoff}: after the
 * n-th failure wait uniformly in {@code [0, min(cap, base * 2^(n-1))]} — drawn from the seed's random.
 */
final class RetryBackoff {
  private final long baseMs;
  private final long capMs;

  RetryBackoff(long baseMs, long capMs) {
    this.baseMs = baseMs;
    this.capMs = capMs;
  }

  long delay(int failures, Random random) {
    int doublings = Math.min(30, Math.max(0, failures - 1));
    long ceiling = Math.min(capMs, baseMs << doublings);
    return Math.max(1, (long) Math.floor(random.nextDouble() * (ceiling + 1)));
  }
}
