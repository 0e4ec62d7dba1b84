package dev.reach.hub;

/** A doubling delay between {@code initialMs} and {@code maxMs}; {@link #reset()} after progress. */
final class Backoff {
  private final long initialMs;
  private final long maxMs;
  private long nextMs;

  Backoff(long initialMs, long maxMs) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.nextMs = initialMs;
  }

  long next() {
    long d = nextMs;
    nextMs = Math.min(maxMs, nextMs * 2);
    return d;
  }

  void reset() {
    nextMs = initialMs;
  }
}
