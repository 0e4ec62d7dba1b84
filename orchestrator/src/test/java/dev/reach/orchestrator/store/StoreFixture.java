package dev.reach.orchestrator.store;

import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.Migrator;
import dev.reach.shared.spec.RunSpec;
import dev.reach.shared.testing.PostgresFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A migrated database on the embedded Postgres, with the stores on a settable database clock. */
final class StoreFixture implements AutoCloseable {
  static final long TTL_MS = 10_000;
  final Vertx vertx = Vertx.vertx();
  final ReachConfig config = PostgresFixture.config(Map.of("REACH_DB_POOL_SIZE", "16"));
  final Db db = Db.create(vertx, config);
  final SettableDbNow now = new SettableDbNow();
  final RunStore runs = new RunStore(db, now);
  final LeaseStore leases = new LeaseStore(db, now, TTL_MS);
  final LeaderStore leader = new LeaderStore(db, now);
  /** This fixture leads (epoch taken before any job exists, so its grace touches nothing). */
  final long epoch;

  StoreFixture() {
    Migrator.fromClasspath().migrate(db.pool()).await();
    epoch = leader.take("test-leader", 0).await().epoch();
  }

  UUID submit(String runJson) {
    return runs.submit(RunSpec.parse(new JsonObject(runJson)), null).await().id();
  }

  UUID submitOne(String command) {
    return submit("{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"" + command + "\",\"max_lost_attempts\":2}]}");
  }

  ClaimRequest claim(String runner, long seq, int slots) {
    return new ClaimRequest(runner, runner + "-inc", seq, slots, List.of());
  }

  Row sql(String sql, Object... params) {
    var rows = db.pool().preparedQuery(sql).execute(Tuple.from(params)).await();
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  long count(String sql, Object... params) {
    return sql(sql, params).getLong(0);
  }

  @Override
  public void close() {
    db.close().await();
    vertx.close().await();
  }
}
