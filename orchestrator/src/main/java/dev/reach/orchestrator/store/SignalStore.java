package dev.reach.orchestrator.store;

import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** One cheap statement for the runbook signals (see {@code sql/signals.sql}). */
public final class SignalStore {
  private static final SqlFile SQL = SqlFile.load("sql/signals.sql");

  /**
   * Queued jobs and the age of the oldest (-1 when none), runners alive in the window with their
   * slots, and the leases active (slots busy).
   */
  public record Sample(long queued, long oldestQueuedAgeMs, long runnersAlive, long slots, long busy) {}

  private final Db db;
  private final DbNow now;

  public SignalStore(Db db, DbNow now) {
    this.db = db;
    this.now = now;
  }

  public Future<Sample> sample(long aliveWindowMs) {
    return db.query(SQL.get("sample"), Tuple.of(now.now(), aliveWindowMs)).map(rows -> {
      Row r = rows.iterator().next();
      Long age = r.getLong("oldest_age_ms");
      return new Sample(r.getLong("queued"), age == null ? -1 : Math.max(0, age), r.getLong("alive"), r.getLong("slots"),
          r.getLong("busy"));
    });
  }
}
