package dev.reach.orchestrator.store;

import dev.reach.shared.db.Db;
import dev.reach.shared.db.Sql;
import dev.reach.shared.db.SqlFile;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** What retention reads (see {@code sql/retention.sql}); the purge itself is the artifact store's. */
public final class RetentionStore {
  private static final Sql PURGEABLE_RUNS = SqlFile.load("sql/retention.sql").get("purgeable_runs");

  private final Db db;
  private final DbNow now;

  public RetentionStore(Db db, DbNow now) {
    this.db = db;
    this.now = now;
  }

  /** Up to {@code limit} finished runs, oldest first, whose jobs all ended more than {@code retentionMs} ago. */
  public Future<List<UUID>> purgeableRuns(long retentionMs, int limit) {
    return db.query(PURGEABLE_RUNS, Tuple.of(retentionMs, limit, now.now())).map(rows -> {
      List<UUID> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(r.getUUID("id"));
      }
      return out;
    });
  }
}
