package dev.reach.hub;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client (an API token's id, or a client address with auth off): {@code perSecond}
 * requests a second on average, bursts up to {@code burst}. {@link #take} answers 0 when a request may
 * pass, else how many milliseconds until it could. Time comes from the injected clock; buckets idle for
 * a minute are dropped once there are many, so the map stays bounded.
 */
final class RateLimiter {
  static final int MAX_CLIENTS = 10_000;
  private static final long IDLE_MS = 60_000;

  private static final class Bucket {
    double tokens;
    long lastMs;

    Bucket(double tokens, long lastMs) {
      this.tokens = tokens;
      this.lastMs = lastMs;
    }
  }

  private final double perMs;
  private final double burst;
  private final Clock clock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(int perSecond, int burst, Clock clock) {
    this.perMs = perSecond / 1000.0;
    this.burst = burst;
    this.clock = clock;
  }

  /** 0: the request passes (and is counted); otherwise the wait in ms before the client's next request could. */
  long take(String client) {
    long now = clock.millis();
    if (buckets.size() > MAX_CLIENTS) {
      evictIdle(now);
    }
    Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
    synchronized (b) {
      b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.lastMs) * perMs);
      b.lastMs = Math.max(b.lastMs, now);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - b.tokens) / perMs));
    }
  }

  private void evictIdle(long now) {
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket b = it.next();
      synchronized (b) {
        if (now - b.lastMs > IDLE_MS) {
          it.remove();
        }
      }
    }
  }
}
