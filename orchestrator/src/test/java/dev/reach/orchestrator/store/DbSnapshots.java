package dev.reach.orchestrator.store;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Exact textual snapshots of rows, read straight from the pool (no store in between), so a test can
 * assert that a call changed nothing at all.
 */
final class DbSnapshots {
  private final StoreFixture f;

  DbSnapshots(StoreFixture f) {
    this.f = f;
  }

  /** The whole jobs row as Postgres renders it (every column, timestamps included). */
  String job(UUID jobId) {
    Row r = f.sql("SELECT to_jsonb(j)::text FROM jobs j WHERE j.id = $1", jobId);
    return r == null ? null : r.getString(0);
  }

  /** Every attempts row of the job, in attempt order. */
  List<String> attempts(UUID jobId) {
    return texts("SELECT to_jsonb(a)::text FROM attempts a WHERE a.job_id = $1 ORDER BY a.number", jobId);
  }

  /** The whole runs row. */
  String run(UUID runId) {
    Row r = f.sql("SELECT to_jsonb(r)::text FROM runs r WHERE r.id = $1", runId);
    return r == null ? null : r.getString(0);
  }

  /** Every event, in sequence order. */
  List<String> events() {
    return texts("SELECT to_jsonb(e)::text FROM events e ORDER BY e.seq");
  }

  long eventCount() {
    return f.count("SELECT count(*) FROM events");
  }

  List<String> texts(String sql, Object... params) {
    List<String> out = new ArrayList<>();
    for (Row r : f.db.pool().preparedQuery(sql).execute(Tuple.from(params)).await()) {
      out.add(r.getString(0));
    }
    return out;
  }
}
