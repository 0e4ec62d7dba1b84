package dev.reach.orchestrator.store;

import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The database side of dump-state (see {@code sql/run_state.sql}): read-only, one snapshot per call. */
public final class RunStateStore {
  private static final SqlFile SQL = SqlFile.load("sql/run_state.sql");

  private final Db db;

  public RunStateStore(Db db) {
    this.db = db;
  }

  /** The run's rows and its first {@code maxEvents} events, or a failed future with {@code RUN_NOT_FOUND}. */
  public Future<JsonObject> state(UUID runId, int maxEvents) {
    return db.query(SQL.get("run_state"), Tuple.of(runId, maxEvents)).map(rows -> {
      if (rows.size() == 0) {
        throw new ReachException(ErrorCode.RUN_NOT_FOUND, "no run with id " + runId);
      }
      Object v = rows.iterator().next().getValue("state");
      return v instanceof JsonObject o ? o : new JsonObject(String.valueOf(v));
    });
  }

  /** The runners that hold a lease of the run or ran a job's latest attempt. */
  public Future<List<String>> runners(UUID runId) {
    return db.query(SQL.get("runners_of_run"), Tuple.of(runId)).map(rows -> {
      List<String> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(r.getString("runner_id"));
      }
      return out;
    });
  }
}
