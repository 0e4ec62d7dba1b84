package dev.reach.sim;

import dev.reach.orchestrator.store.DbNow;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import java.time.OffsetDateTime;

/**
 * The {@code $now} of every store statement: the simulated clock. It is also where a database
 * outage is injected: every time-dependent store statement reads {@code $now} before it is sent,
 * so while the database is "down" the call fails with {@code DB_UNAVAILABLE} without reaching
 * Postgres (the stores' other statements only follow one of these in the same instant).
 */
final class SimDbNow implements DbNow {
  private final SimClock clock;
  private final DatabaseSwitch database;

  SimDbNow(SimClock clock, DatabaseSwitch database) {
    this.clock = clock;
    this.database = database;
  }

  @Override
  public OffsetDateTime now() {
    if (database.down()) {
      database.refusedOne();
      throw new ReachException(ErrorCode.DB_UNAVAILABLE, "database unavailable (simulated outage)", null, 2_000, null);
    }
    return clock.dbTime();
  }
}
