package dev.reach.orchestrator.store;

import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
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

  /** Makes sure the configured join token's hash is a runner token; true when this call added it. */
  public Future<Boolean> ensureJoinToken(String sha256) {
    return db.query(SQL.get("ensure_join_token"), Tuple.of(UUID.randomUUID(), sha256)).map(rows -> rows.size() > 0);
  }

  /** Stores a new token's hash with its {@code token_created} event; answers the token's row (no hash). */
  public Future<JsonObject> createToken(String name, String role, String sha256, String actor) {
    return db.query(SQL.get("create_token"), Tuple.of(UUID.randomUUID(), name, role, sha256, actor))
        .map(rows -> tokenRow(rows.iterator().next()));
  }

  /** Every token, live or revoked, oldest first (no hashes). */
  public Future<JsonArray> listTokens() {
    return db.query(SQL.get("list_tokens"), Tuple.tuple()).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(tokenRow(r)));
      return out;
    });
  }

  /**
   * Revokes a live token (with its {@code token_revoked} event). Answers the token as it now is;
   * null when there is no such token. Revoking a revoked token answers it unchanged.
   */
  public Future<JsonObject> revokeToken(UUID id, String actor) {
    return db.query(SQL.get("revoke_token"), Tuple.of(id, actor)).compose(rows -> {
      for (Row r : rows) {
        return Future.succeededFuture(tokenRow(r));
      }
      return db.query(SQL.get("get_token"), Tuple.of(id))
          .map(again -> again.size() == 0 ? null : tokenRow(again.iterator().next()));
    });
  }

  /** Counts one refused message of a runner that did not join. */
  public Future<Void> recordRunnerRefusal(String runnerId, String reason, String address) {
    return db.query(SQL.get("record_runner_refusal"), Tuple.of(runnerId, reason, address)).mapEmpty();
  }

  public Future<JsonArray> runnerRefusals() {
    return db.query(SQL.get("list_runner_refusals"), Tuple.tuple()).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("runner_id", r.getString("runner_id")).put("reason", r.getString("reason"))
            .put("last_address", r.getString("last_address")).put("refusals", r.getLong("refusals"))
            .put("first_at", r.getOffsetDateTime("first_at").toString())
            .put("last_at", r.getOffsetDateTime("last_at").toString()));
      }
      return out;
    });
  }

  private static JsonObject tokenRow(Row r) {
    java.time.OffsetDateTime revoked = r.getOffsetDateTime("revoked_at");
    return new JsonObject().put("id", r.getString("id")).put("name", r.getString("name"))
        .put("role", r.getString("role")).put("origin", r.getString("origin"))
        .put("created_by", r.getString("created_by"))
        .put("created_at", r.getOffsetDateTime("created_at").toString())
        .put("revoked_at", revoked == null ? null : revoked.toString())
        .put("revoked_by", r.getString("revoked_by"));
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
