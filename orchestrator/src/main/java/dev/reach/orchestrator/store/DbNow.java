package dev.reach.orchestrator.store;

import java.time.OffsetDateTime;

/**
 * The {@code $now} parameter of every time-dependent statement: {@code null} in production, so
 * the database clock ({@code now()}) decides lease expiry; a fixed instant in tests.
 */
@FunctionalInterface
public interface DbNow {
  DbNow DATABASE_CLOCK = () -> null;

  OffsetDateTime now();
}
