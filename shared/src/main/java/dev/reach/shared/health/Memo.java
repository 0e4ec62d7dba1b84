package dev.reach.shared.health;

import io.vertx.core.Future;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A health payload computed at most once per {@code ttlMs}: callers within the window get the same
 * (possibly still running) computation, so a probe storm costs one set of checks. A ttl of 0
 * (test mode) computes every time.
 */
final class Memo<T> {
  private final long ttlMs;
  private final LongSupplier nowMs;
  private final Supplier<Future<T>> compute;
  private Future<T> value;
  private long computedAtMs;

  Memo(long ttlMs, LongSupplier nowMs, Supplier<Future<T>> compute) {
    this.ttlMs = ttlMs;
    this.nowMs = nowMs;
    this.compute = compute;
  }

  /** The memoised payload and whether it came from the cache. */
  record Hit<T>(Future<T> value, boolean cached, long ageMs) {}

  synchronized Hit<T> get() {
    long now = nowMs.getAsLong();
    if (ttlMs > 0 && value != null && now - computedAtMs < ttlMs) {
      return new Hit<>(value, true, now - computedAtMs);
    }
    computedAtMs = now;
    value = compute.get();
    return new Hit<>(value, false, 0);
  }

  /** Forgets the payload: the next caller computes afresh (a lifecycle changed, the cache is stale). */
  synchronized void invalidate() {
    value = null;
  }
}
