package dev.reach.orchestrator.store;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** A fixed database time for tests: every statement sees {@code $now} = this instant. */
final class SettableDbNow implements DbNow {
  private volatile OffsetDateTime now = OffsetDateTime.of(2026, 1, 1, 12, 0, 0, 0, ZoneOffset.UTC);

  @Override
  public OffsetDateTime now() {
    return now;
  }

  void advance(Duration d) {
    now = now.plus(d);
  }
}
