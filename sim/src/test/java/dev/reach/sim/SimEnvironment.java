package dev.reach.sim;

import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.Migrator;
import dev.reach.shared.testing.PostgresFixture;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What all seeds share: one embedded Postgres database (migrated once), one pool with a single
 * connection (statements run one at a time, in the schedule's order), and the simulated clock,
 * which only moves forward from seed to seed.
 */
final class SimEnvironment implements AutoCloseable {
  /** Held strongly: java.util.logging forgets levels set on loggers nobody references. */
  private static final Logger QUIET = Logger.getLogger("dev.reach");

  private final Vertx vertx;
  private final Db db;
  private final SimClock clock = new SimClock();
  private final boolean uuidsSequential;
  private final boolean statementsCached;
  private int runs;

  SimEnvironment() {
    uuidsSequential = SequentialUuids.install();
    QUIET.setLevel(Level.OFF); // the real code logs every grace, reap and refusal; the trace tells the story
    vertx = Vertx.vertx();
    ReachConfig cfg = PostgresFixture.config(Map.of("REACH_DB_POOL_SIZE", "1", "REACH_DB_BREAKER_FAILURES", "1000"));
    db = Db.create(vertx, cfg);
    // prepared statements keep one generic plan instead of being planned again on every call
    db.pool().query("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_generic_plan',"
        + " current_database()); END $$").execute().await();
    statementsCached = CachingPool.install(vertx, db, cfg);
    Migrator.fromClasspath().migrate(db.pool()).await();
  }

  boolean statementsCached() {
    return statementsCached;
  }

  Db db() {
    return db;
  }

  SimClock clock() {
    return clock;
  }

  /** Whether UUIDs grow in creation order here (so ties in queue order replay exactly). */
  boolean uuidsSequential() {
    return uuidsSequential;
  }

  int nextRunNumber() {
    return ++runs;
  }

  /** The next seed starts later than anything of the last one (leases, graces, retries). */
  void gap() {
    clock.advanceTo(clock.ms() + SimConfig.GRACE_MS + SimConfig.TTL_MS);
  }

  @Override
  public void close() {
    db.close().await();
    vertx.close().await();
  }
}
