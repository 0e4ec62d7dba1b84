package dev.reach.runner.retry;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with full jitter: before try {@code n + 1} (after the n-th failure)
 * wait a uniformly random time in {@code [0, min(cap, base * 2^(n-1))]}. Spreading retries over
 * the whole window keeps many runners from hammering a recovering service in step.
 */
public final class Backoff {
  private final long baseMs;
  private final long capMs;
  private final DoubleSupplier random;

  public Backoff(long baseMs, long capMs) {
    this(baseMs, capMs, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** {@code random} yields values in {@code [0, 1)}. */
  public Backoff(long baseMs, long capMs, DoubleSupplier random) {
    if (baseMs < 1 || capMs < baseMs) {
      throw new IllegalArgumentException("backoff needs 1 <= base (" + baseMs + ") <= cap (" + capMs + ")");
    }
    this.baseMs = baseMs;
    this.capMs = capMs;
    this.random = random;
  }

  /** The longest wait after the {@code failures}-th failure (1 or more): {@code min(cap, base * 2^(failures-1))}. */
  public long ceiling(int failures) {
    int doublings = Math.max(0, failures - 1);
    if (doublings >= 62 || baseMs > (capMs >> Math.min(doublings, 62))) {
      return capMs;
    }
    return Math.min(capMs, baseMs << doublings);
  }

  /** A wait in {@code [0, ceiling(failures)]}. */
  public long delay(int failures) {
    long ceiling = ceiling(failures);
    double r = random.getAsDouble();
    long d = (long) Math.floor(r * (ceiling + 1));
    return Math.max(0, Math.min(ceiling, d));
  }

  public long capMs() {
    return capMs;
  }
}
