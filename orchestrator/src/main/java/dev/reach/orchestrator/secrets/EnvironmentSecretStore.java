package dev.reach.orchestrator.secrets;

import dev.reach.orchestrator.store.DbNow;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.spec.RunSpec;
import dev.reach.shared.spec.SecretValues;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Secrets stored per environment: set (sealed to the environment and name), list (names and update
 * times, never values), delete. Each change leaves an audit event naming the secret, never its value.
 */
public final class EnvironmentSecretStore {
  private static final SqlFile SQL = SqlFile.load("sql/secrets.sql");
  private final Db db;
  private final DbNow now;
  private final SecretCipher cipher;

  public EnvironmentSecretStore(Db db, DbNow now, SecretCipher cipher) {
    this.db = db;
    this.now = now;
    this.cipher = cipher;
  }

  public Future<JsonObject> set(String environment, String name, String value, String actor) {
    try {
      check(environment, name);
      SecretValues.of(java.util.Map.of(name, value), "value");
      cipher.requireKey("value");
    } catch (ReachException e) {
      return Future.failedFuture(e);
    }
    SealedSecret s = cipher.seal(SecretScope.environment(environment), name, value);
    Tuple t = Tuple.tuple().addString(environment).addString(name).addString(s.keyId())
        .addBuffer(Buffer.buffer(s.nonce())).addBuffer(Buffer.buffer(s.ciphertext())).addString(actor)
        .addOffsetDateTime(now.now());
    return db.query(SQL.get("set_environment_secret"), t).map(rows -> new JsonObject()
        .put("environment", environment).put("name", name)
        .put("updated_at", rows.iterator().next().getOffsetDateTime("updated_at").toString()));
  }

  public Future<JsonArray> list(String environment) {
    try {
      check(environment, null);
    } catch (ReachException e) {
      return Future.failedFuture(e);
    }
    return db.query(SQL.get("list_environment_secrets"), Tuple.of(environment)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("name", r.getString("name")).put("key_id", r.getString("key_id"))
            .put("updated_at", r.getOffsetDateTime("updated_at").toString()));
      }
      return out;
    });
  }

  public Future<Void> delete(String environment, String name, String actor) {
    try {
      check(environment, name);
    } catch (ReachException e) {
      return Future.failedFuture(e);
    }
    return db.query(SQL.get("delete_environment_secret"), Tuple.of(environment, name, actor, now.now()))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new ReachException(ErrorCode.NOT_FOUND, "no secret '" + name + "' in environment '" + environment + "'", "name");
          }
          return null;
        });
  }

  private static void check(String environment, String name) {
    if (environment == null || !RunSpec.ENVIRONMENT.matcher(environment).matches()) {
      throw new ReachException(ErrorCode.INVALID_REQUEST, "environment must match " + RunSpec.ENVIRONMENT.pattern(), "environment");
    }
    if (name != null) {
      String problem = SecretValues.nameProblem(name);
      if (problem != null) {
        throw new ReachException(ErrorCode.INVALID_REQUEST, "secret name '" + name + "' " + problem, "name");
      }
    }
  }
}
