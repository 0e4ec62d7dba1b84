package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.breaker.BreakerState;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.testing.PostgresFixture;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 003's "Pool exhausted under load", over HTTP: a burst of requests meets a real pool of one
 * connection and a wait queue of one, behind a stand-in orchestrator that runs a real statement per
 * request and fails through {@link BusErrors#fail} as the orchestrator does. Every request the pool
 * cannot take answers {@code 503 DB_POOL_EXHAUSTED} with {@code Retry-After} at once; none answers
 * 500; the two it took answer 200 once the statement they wait on can run.
 */
class PoolExhaustedUnderLoadTest {
  static final SqlFile SQL = SqlFile.load("sql/stand_in_orchestrator.sql");
  static final long LOCK = 4343;
  static final int BURST = 10;

  private HubFixture f;
  private ReachConfig dbConfig;
  private Db db;
  private MessageConsumer<Object> standIn;
  private Connection holder;

  @BeforeEach
  void setUp() {
    f = HubFixture.start();
    dbConfig = PostgresFixture.config(Map.of(
        "REACH_DB_POOL_SIZE", "1",
        "REACH_DB_POOL_MAX_WAIT_QUEUE", "1",
        "REACH_DB_POOL_WAIT_TIMEOUT_MS", "60000"));
    db = Db.create(f.vertx, dbConfig);
    standIn = f.vertx.eventBus().consumer(Addresses.LIST_RUNS, msg -> db.query(SQL.get("wait_for_lock"), Tuple.of(LOCK))
        .onSuccess(rows -> msg.reply(new JsonObject().put("runs", new JsonArray())))
        .onFailure(t -> BusErrors.fail(msg, t)));
    HubFixture.await(standIn.completion());
    HubFixture.await(db.query(SQL.get("select_one"), Tuple.tuple())); // the pool's one connection is open
  }

  @AfterEach
  void tearDown() throws SQLException {
    if (holder != null) {
      holder.close();
    }
    HubFixture.await(db.close());
    f.close();
  }

  private void lock(boolean take) throws SQLException {
    if (holder == null) {
      holder = PostgresFixture.server().getDatabase("postgres", dbConfig.db().database()).getConnection();
    }
    try (Statement st = holder.createStatement()) {
      st.execute("SELECT " + (take ? "pg_advisory_lock(" : "pg_advisory_unlock(") + LOCK + ")");
    }
  }

  @Test
  void poolExhaustedUnderLoad() throws Exception {
    lock(true);
    List<HubFixture.HttpReply> replies = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Future<HubFixture.HttpReply>> burst = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      burst.add(f.client.request(f.options(HttpMethod.GET, "/api/v1/runs").setHeaders(MultiMap.caseInsensitiveMultiMap()))
          .compose(req -> req.send().compose(resp -> resp.body()
              .map(b -> new HubFixture.HttpReply(resp.statusCode(), resp.headers(), b))))
          .onSuccess(replies::add));
    }

    // one request holds the connection, one waits for it: every other one is refused at once
    await().atMost(Duration.ofSeconds(HubFixture.WAIT_SECONDS)).until(() -> replies.size() >= BURST - 2);
    List<HubFixture.HttpReply> refused = List.copyOf(replies);
    assertThat(refused).hasSize(BURST - 2);
    for (HubFixture.HttpReply r : refused) {
      assertThat(r.status()).as(r.text()).isEqualTo(503);
      assertThat(r.error().getString("code")).isEqualTo("DB_POOL_EXHAUSTED");
      assertThat(r.error().getBoolean("retryable")).isTrue();
      assertThat(r.error().getLong("retry_after_ms")).isEqualTo(1_000L);
      assertThat(r.headers().get("Retry-After")).isEqualTo("1");
    }
    assertThat(db.breaker().state()).as("load is not an outage").isEqualTo(BreakerState.CLOSED);

    lock(false);
    HubFixture.await(Future.all(burst));
    assertThat(replies).extracting(HubFixture.HttpReply::status).as("no 500s")
        .containsOnly(200, 503).filteredOn(s -> s == 200).hasSize(2);
    assertThat(db.breaker().state()).isEqualTo(BreakerState.CLOSED);
  }
}
