package dev.reach.orchestrator.store;

import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** API tokens and the admin figures (see {@code sql/admin.sql}). Tokens are handled by their SHA-256 only. */
public final class AdminStore {
  private static final SqlFile SQL = SqlFile.load("sql/admin.sql");

  private final Db db;

  public AdminStore(Db db) {
    this.db = db;
  }

  /** Makes sure the configured token's hash is an admin token; true when this call added it. */
  public Future<Boolean> ensureEnvironmentToken(String sha256) {
    return db.query(SQL.get("ensure_environment_token"), Tuple.of(UUID.randomUUID(), sha256))
        .map(rows -> rows.size() > 0);
  }

  /** Stores a generated token's hash when no admin token exists; true when this call stored it. */
  public Future<Boolean> generateFirstToken(String sha256) {
    return db.query(SQL.get("generate_first_token"), Tuple.of(UUID.randomUUID(), sha256))
        .map(rows -> rows.size() > 0);
  }

  /** The live token with this hash ({@code id}, {@code name}, {@code role}), or null. */
  public Future<JsonObject> verify(String sha256) {
    return db.query(SQL.get("verify_token"), Tuple.of(sha256)).map(rows -> {
      for (Row r : rows) {
        return new JsonObject().put("id", r.getString("id")).put("name", r.getString("name"))
            .put("role", r.getString("role"));
      }
      return null;
    });
  }

  public Future<JsonObject> systemFigures(long runnerWindowMs) {
    return db.query(SQL.get("system_figures"), Tuple.of(runnerWindowMs)).map(rows -> {
      Row r = rows.iterator().next();
      return new JsonObject()
          .put("queued", r.getLong("queued"))
          .put("oldest_queued_age_ms", r.getLong("oldest_queued_age_ms"))
          .put("active_leases", r.getLong("active_leases"))
          .put("overdue_leases", r.getLong("overdue_leases"))
          .put("live_runners", r.getLong("live_runners"))
          .put("live_slots", r.getLong("live_slots"))
          .put("dead_letters", r.getLong("dead_letters"))
          .put("leader_id", r.getString("leader_id"))
          .put("leader_epoch", r.getLong("leader_epoch"))
          .put("leader_since", r.getOffsetDateTime("leader_since").toString())
          .put("db_now", r.getOffsetDateTime("db_now").toString());
    });
  }

  public Future<Long> appendAudit(String type, JsonObject payload) {
    return db.query(SQL.get("append_audit"), Tuple.of(type, payload)).map(rows -> rows.iterator().next().getLong("seq"));
  }
}
