package dev.reach.shared.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.breaker.BreakerState;
import dev.reach.shared.breaker.Breakers;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.PoolExhaustion;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.testing.PostgresFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool contract (seed 003): every pool setting comes from the environment and is read back
 * from the running pool and its connections; an exhausted pool answers {@code DB_POOL_EXHAUSTED}
 * at once and does not open the breaker; an open breaker answers {@code DB_CIRCUIT_OPEN}.
 *
 * <p>Connections are kept busy with an advisory lock the test holds on its own JDBC connection:
 * {@code wait_for_lock} blocks in the server until the test lets go, so "busy" is a state the test
 * controls and observes in {@code pg_stat_activity}, not a sleep.
 */
class DbPoolContractTest {
  static final SqlFile PROBE = SqlFile.load("sql/pool_probe.sql");
  static final long LOCK = 4242;
  static final long WAIT_SECONDS = 20;

  private final Vertx vertx = Vertx.vertx();
  private final List<Db> dbs = new ArrayList<>();
  private Connection holder;

  @AfterEach
  void tearDown() throws SQLException {
    if (holder != null) {
      holder.close();
    }
    dbs.forEach(db -> result(db.close()));
    result(vertx.close());
  }

  private Db db(ReachConfig cfg) {
    Db db = Db.create(vertx, cfg);
    dbs.add(db);
    return db;
  }

  private static <T> T result(Future<T> f) {
    try {
      return f.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("timed out waiting for " + f, e);
    }
  }

  private static Connection jdbc(ReachConfig cfg) throws SQLException {
    return PostgresFixture.server().getDatabase("postgres", cfg.db().database()).getConnection();
  }

  /** Takes the exclusive advisory lock on a connection of the test's own: {@code wait_for_lock} blocks until released. */
  private void holdLock(ReachConfig cfg) throws SQLException {
    holder = jdbc(cfg);
    try (Statement st = holder.createStatement()) {
      st.execute("SELECT pg_advisory_lock(" + LOCK + ")");
    }
  }

  private void releaseLock() throws SQLException {
    try (Statement st = holder.createStatement()) {
      st.execute("SELECT pg_advisory_unlock(" + LOCK + ")");
    }
  }

  /** Backends of Reach pools connected to this test's database; {@code lockWaitersOnly} counts those blocked on the lock. */
  private static int backends(ReachConfig cfg, boolean lockWaitersOnly) throws SQLException {
    try (Connection c = jdbc(cfg);
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?"
            + " AND application_name = ?" + (lockWaitersOnly ? " AND wait_event_type = 'Lock'" : ""))) {
      ps.setString(1, cfg.db().database());
      ps.setString(2, Db.APPLICATION_NAME);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private Future<RowSet<Row>> waitForLock(Db db) {
    return db.query(PROBE.get("wait_for_lock"), Tuple.of(LOCK));
  }

  private static ReachException failure(Future<?> f) {
    assertThat(f.failed()).as("%s failed", f).isTrue();
    assertThat(f.cause()).isInstanceOf(ReachException.class);
    return (ReachException) f.cause();
  }

  @Test
  void runtimePoolConfigurationTakesEffect() throws Exception {
    ReachConfig cfg = PostgresFixture.config(Map.of(
        "REACH_DB_POOL_SIZE", "3",
        "REACH_DB_STATEMENT_TIMEOUT_MS", "4321",
        "REACH_DB_CONNECT_TIMEOUT_MS", "1500",
        "REACH_DB_POOL_MAX_WAIT_QUEUE", "50",
        "REACH_DB_POOL_WAIT_TIMEOUT_MS", "60000",
        "REACH_DB_IDLE_TIMEOUT_MS", "120000"));
    Db db = db(cfg);

    JsonObject d = db.describe();
    assertThat(d.getInteger("pool_size")).isEqualTo(3);
    assertThat(d.getInteger("max_wait_queue")).isEqualTo(50);
    assertThat(d.getLong("pool_wait_timeout_ms")).isEqualTo(60_000L);
    assertThat(d.getLong("idle_timeout_ms")).isEqualTo(120_000L);
    assertThat(d.getLong("connect_timeout_ms")).isEqualTo(1_500L);
    assertThat(d.getLong("statement_timeout_ms")).isEqualTo(4_321L);
    assertThat(d.getString("application_name")).isEqualTo(Db.APPLICATION_NAME);
    assertThat(d.getJsonObject("breaker").getString("state")).isEqualTo("CLOSED");
    assertThat(d.encode()).doesNotContain("postgres:postgres").doesNotContain("password");

    // the statement timeout as the server applies it on a pooled connection
    Row row = result(db.query(PROBE.get("statement_timeout"), Tuple.tuple())).iterator().next();
    assertThat(row.getString("value")).isEqualTo("4321ms");

    // saturated: twice as many statements as connections, all blocked on the lock
    holdLock(cfg);
    List<Future<RowSet<Row>>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(waitForLock(db));
    }
    await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> backends(cfg, true) == 3);
    assertThat(backends(cfg, false)).as("backends of the pool while saturated").isEqualTo(3);
    assertThat(calls).filteredOn(Future::isComplete).as("no call ends while the pool is saturated").isEmpty();

    releaseLock();
    result(Future.all(calls));
    assertThat(backends(cfg, false)).isEqualTo(3);
  }

  @Test
  void roundTripsCountTheStatementsAndNotTheHealthPings() throws Exception {
    Db db = db(PostgresFixture.config(Map.of()));
    long before = db.roundTrips();
    result(db.ping());
    result(db.ping());
    assertThat(db.roundTrips()).as("health pings (every node directory publish) are not the service's work")
        .isEqualTo(before);
    result(db.query(PROBE.get("statement_timeout"), Tuple.tuple()));
    assertThat(db.roundTrips()).isEqualTo(before + 1);
  }

  @Test
  void idleConnectionsCloseAfterTheIdleTimeout() throws Exception {
    ReachConfig cfg = PostgresFixture.config(Map.of("REACH_DB_POOL_SIZE", "2", "REACH_DB_IDLE_TIMEOUT_MS", "200"));
    Db db = db(cfg);
    result(Future.all(db.query(PROBE.get("select_one"), Tuple.tuple()), db.query(PROBE.get("select_one"), Tuple.tuple())));
    await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> backends(cfg, false) == 0);
  }

  @Test
  void poolExhaustedUnderLoad() throws Exception {
    ReachConfig cfg = PostgresFixture.config(Map.of(
        "REACH_DB_POOL_SIZE", "1",
        "REACH_DB_POOL_MAX_WAIT_QUEUE", "1",
        "REACH_DB_POOL_WAIT_TIMEOUT_MS", "60000",
        "REACH_DB_BREAKER_FAILURES", "3"));
    Db db = db(cfg);
    result(db.query(PROBE.get("select_one"), Tuple.tuple())); // the one connection is open and idle
    holdLock(cfg);
    Future<RowSet<Row>> holding = waitForLock(db);
    await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> backends(cfg, true) == 1);
    Future<RowSet<Row>> queued = waitForLock(db);

    // the wait queue is full: every further request fails at once, more often than the breaker's threshold
    List<Future<RowSet<Row>>> burst = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      burst.add(waitForLock(db));
    }
    result(Future.join(burst).otherwiseEmpty());
    for (Future<RowSet<Row>> f : burst) {
      ReachException e = failure(f);
      assertThat(e.code()).isEqualTo(ErrorCode.DB_POOL_EXHAUSTED);
      assertThat(e.retryable()).isTrue();
      assertThat(e.toJson().getLong("retry_after_ms")).isPositive();
    }
    assertThat(db.breaker().state()).as("pool exhaustion is load, not an outage").isEqualTo(BreakerState.CLOSED);
    assertThat(db.breaker().describe().getInteger("failure_count")).isZero();

    releaseLock();
    result(Future.all(holding, queued));
  }

  @Test
  void aRequestThatWaitsPastThePoolWaitTimeoutFails() throws Exception {
    ReachConfig cfg = PostgresFixture.config(Map.of(
        "REACH_DB_POOL_SIZE", "1",
        "REACH_DB_POOL_WAIT_TIMEOUT_MS", "200",
        "REACH_DB_BREAKER_FAILURES", "3"));
    Db db = db(cfg);
    result(db.query(PROBE.get("select_one"), Tuple.tuple()));
    holdLock(cfg);
    Future<RowSet<Row>> holding = waitForLock(db);
    await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> backends(cfg, true) == 1);

    for (int i = 0; i < 4; i++) { // one more than the breaker's threshold
      Future<RowSet<Row>> waiter = waitForLock(db);
      result(waiter.otherwiseEmpty());
      ReachException e = failure(waiter);
      assertThat(e.code()).isEqualTo(ErrorCode.DB_POOL_EXHAUSTED);
      assertThat(e.getCause()).matches(PoolExhaustion::isWaitTimeout, "the pool's wait timeout");
    }
    assertThat(db.breaker().state()).isEqualTo(BreakerState.CLOSED);

    releaseLock();
    result(holding);
  }

  @Test
  void aWaitLongerThanTheStatementTimeoutIsNotAnOutage() throws Exception {
    // a statement not answered within 100 ms + 1 s is an outage; a wait for a connection is not,
    // however long: these wait 2 s for the pool's one connection, which the test holds (idle)
    ReachConfig cfg = PostgresFixture.config(Map.of(
        "REACH_DB_POOL_SIZE", "1",
        "REACH_DB_STATEMENT_TIMEOUT_MS", "100",
        "REACH_DB_POOL_WAIT_TIMEOUT_MS", "2000",
        "REACH_DB_BREAKER_FAILURES", "3"));
    Db db = db(cfg);
    io.vertx.sqlclient.SqlConnection held = result(db.acquire()); // busy, as if a statement of the Db held it
    try {
      List<Future<RowSet<Row>>> waiting = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waiting.add(db.query(PROBE.get("select_one"), Tuple.tuple()));
      }
      result(Future.join(waiting).otherwiseEmpty());
      for (Future<RowSet<Row>> f : waiting) {
        assertThat(failure(f).code()).isEqualTo(ErrorCode.DB_POOL_EXHAUSTED);
      }
      assertThat(db.breaker().state()).isEqualTo(BreakerState.CLOSED);
      assertThat(db.breaker().describe().getInteger("failure_count")).isZero();
    } finally {
      db.release(held);
    }
    result(db.query(PROBE.get("select_one"), Tuple.tuple()));
  }

  @Test
  void aServerThatNeverFinishesOpeningAConnectionIsAnOutage() throws Exception {
    // a frozen server: TCP connects (the kernel accepts), the Postgres handshake is never answered;
    // the pool has room, so the wait timeout is no exhaustion but the database not answering
    try (ServerSocket frozen = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      ReachConfig cfg = ReachConfig.from(Map.of(
          "REACH_DB_URL", "postgresql://reach:s3cret-pw@127.0.0.1:" + frozen.getLocalPort() + "/reach",
          "REACH_DB_POOL_WAIT_TIMEOUT_MS", "300",
          "REACH_DB_BREAKER_FAILURES", "3",
          "REACH_DB_BREAKER_RESET_MS", "600000"), 0);
      Db db = db(cfg);
      for (int i = 0; i < 3; i++) {
        Future<RowSet<Row>> f = db.query(PROBE.get("select_one"), Tuple.tuple());
        result(f.otherwiseEmpty());
        assertThat(failure(f).code()).isEqualTo(ErrorCode.DB_UNAVAILABLE);
      }
      await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> db.breaker().state() == BreakerState.OPEN);
    }
  }

  @Test
  void circuitBreakerIsOpen() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ReachConfig cfg = ReachConfig.from(Map.of(
        "REACH_DB_URL", "postgresql://reach:s3cret-pw@127.0.0.1:" + closedPort + "/reach",
        "REACH_DB_BREAKER_FAILURES", "3",
        "REACH_DB_BREAKER_RESET_MS", "600000",
        "REACH_DB_CONNECT_TIMEOUT_MS", "1000"), 0);
    Db db = db(cfg);
    for (int i = 0; i < 3; i++) {
      Future<RowSet<Row>> f = db.query(PROBE.get("select_one"), Tuple.tuple());
      result(f.otherwiseEmpty());
      assertThat(failure(f).code()).isEqualTo(ErrorCode.DB_UNAVAILABLE);
      assertThat(failure(f).getMessage()).doesNotContain("s3cret-pw");
    }
    await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> db.breaker().state() == BreakerState.OPEN);

    Future<RowSet<Row>> fast = db.query(PROBE.get("select_one"), Tuple.tuple());
    result(fast.otherwiseEmpty());
    ReachException e = failure(fast);
    assertThat(e.code()).isEqualTo(ErrorCode.DB_CIRCUIT_OPEN);
    JsonObject body = e.toBody().getJsonObject("error");
    assertThat(body.getBoolean("retryable")).isTrue();
    assertThat(body.getLong("retry_after_ms")).isEqualTo(600_000L);

    JsonObject registered = Breakers.jvm().describe().stream().map(JsonObject.class::cast)
        .filter(b -> b.getString("state").equals("OPEN") && b.getString("name").equals(DbBreaker.NAME))
        .findFirst().orElseThrow();
    assertThat(registered.getInteger("failure_threshold")).isEqualTo(3);
    assertThat(registered.getLong("opened_at_ms")).isNotNull();
  }

  @Test
  void vertxsWaitTimeoutIsRecognisedByIdentity() {
    assertThat(PoolExhaustion.waitTimeoutByIdentity())
        .as("vertx-sql-client still has SqlConnectionPool.POOL_QUERY_TIMEOUT_EXCEPTION")
        .isTrue();
  }
}
