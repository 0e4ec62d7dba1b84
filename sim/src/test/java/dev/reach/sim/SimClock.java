package dev.reach.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Simulated time in milliseconds, the one clock of the whole simulation: the database clock
 * ({@code $now}), the orchestrators' wall and monotonic clocks and the runners' watcher clock all
 * read it. It only moves forward, across seeds too, so no seed's leases are ever in another's past.
 */
final class SimClock {
  /** 2030-01-01T00:00:00Z: far from the real clock, so nothing real is ever mistaken for simulated. */
  private static final long ORIGIN_MS = 1_893_456_000_000L;
  private long nowMs = ORIGIN_MS;

  long ms() {
    return nowMs;
  }

  /** The watchers' clock (centiseconds, like {@code /proc/uptime}). */
  long centis() {
    return nowMs / 10;
  }

  void advanceTo(long ms) {
    if (ms < nowMs) {
      throw new IllegalStateException("simulated time may not go back: " + ms + " < " + nowMs);
    }
    nowMs = ms;
  }

  OffsetDateTime dbTime() {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(nowMs), ZoneOffset.UTC);
  }

  /** This clock as a {@link Clock} (for {@code OutageState}). */
  Clock asClock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(nowMs);
      }

      @Override
      public long millis() {
        return nowMs;
      }
    };
  }
}
