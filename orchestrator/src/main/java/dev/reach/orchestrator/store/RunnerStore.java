package dev.reach.orchestrator.store;

import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** Registered runners (registered and refreshed by their heartbeats). */
public final class RunnerStore {
  private static final SqlFile SQL = SqlFile.load("sql/runners.sql");
  private final Db db;

  public RunnerStore(Db db) {
    this.db = db;
  }

  public Future<JsonArray> list() {
    return db.query(SQL.get("list_runners"), Tuple.tuple()).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject()
            .put("id", r.getString("id"))
            .put("incarnation", r.getString("incarnation"))
            .put("slots", r.getInteger("slots"))
            .put("active", r.getLong("active"))
            .put("labels", new JsonArray(List.<Object>of((Object[]) r.getArrayOfStrings("labels"))))
            .put("first_seen_at", r.getOffsetDateTime("first_seen_at").toString())
            .put("last_heartbeat_at", r.getOffsetDateTime("last_heartbeat_at").toString()));
      }
      return out;
    });
  }
}
