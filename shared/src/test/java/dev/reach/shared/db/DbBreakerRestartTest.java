package dev.reach.shared.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.breaker.BreakerSnapshot;
import dev.reach.shared.breaker.BreakerState;
import dev.reach.shared.breaker.BreakerStateFile;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.testing.PostgresFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 004's breaker state across restarts, for the database breaker: a service restarting into a
 * database that is still down starts with the breaker open and makes no connection for its reset
 * time, and its start-up migration is the half-open probe. The "database" that is down is a TCP
 * server on 127.0.0.1 that closes every connection it accepts and records when it did.
 */
class DbBreakerRestartTest {
  private static final long RESET_MS = 1_500;
  private static final String SERVICE = "test-service";

  private final Vertx vertx = Vertx.vertx();
  private final List<Long> connections = new CopyOnWriteArrayList<>();

  @TempDir Path stateDir;

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  /** A server that is there but is no database: it closes each connection at once. */
  private int brokenDatabase() {
    NetServer server = vertx.createNetServer().connectHandler(socket -> {
      connections.add(System.nanoTime());
      socket.close();
    });
    return server.listen(0, "127.0.0.1").await().actualPort();
  }

  private ReachConfig config(String dbUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("REACH_DB_URL", dbUrl);
    env.put("REACH_TEST_MODE", "true");
    env.put("REACH_STATE_DIR", stateDir.toString());
    env.put("REACH_DB_BREAKER_FAILURES", "2");
    env.put("REACH_DB_BREAKER_RESET_MS", String.valueOf(RESET_MS));
    env.put("REACH_DB_CONNECT_TIMEOUT_MS", "1000");
    return ReachConfig.from(env, 0);
  }

  private Map<String, BreakerSnapshot> saved() {
    return new BreakerStateFile(BreakerStateFile.fileFor(stateDir, SERVICE)).load();
  }

  @Test
  void aServiceRestartingIntoADatabaseStillDownStartsWithTheBreakerOpenAndProbesOnlyAfterTheResetTime() {
    ReachConfig cfg = config("postgresql://reach:reach@127.0.0.1:" + brokenDatabase() + "/reach");

    // the first life: the database goes down under the service, the breaker opens and is saved open
    Db first = Db.create(vertx, cfg);
    BreakerStateFile.attachAtStart(vertx, cfg.stateDir(), SERVICE, List.of(first.breaker())).await();
    for (int i = 0; i < 2; i++) {
      first.ping().otherwiseEmpty().await();
    }
    assertThat(first.breaker().state()).isEqualTo(BreakerState.OPEN);
    await().atMost(Duration.ofSeconds(10)).until(() -> saved().containsKey(DbBreaker.NAME)
        && saved().get(DbBreaker.NAME).state() == BreakerState.OPEN);
    BreakerSnapshot beforeRestart = saved().get(DbBreaker.NAME);
    first.close().await();

    // the restart: open before any call, since the saved opening
    connections.clear();
    Db second = Db.create(vertx, cfg);
    BreakerStateFile.attachAtStart(vertx, cfg.stateDir(), SERVICE, List.of(second.breaker())).await();
    long restoredAt = System.nanoTime();
    assertThat(second.breaker().state()).isEqualTo(BreakerState.OPEN);
    assertThat(second.breaker().describe().getLong("opened_at_ms")).isEqualTo(beforeRestart.openedAtMs());
    assertThat(second.breaker().describe().getLong("times_opened")).isEqualTo(beforeRestart.timesOpened());

    // the start-up migration: no connection for the reset time, then one probe per reset time
    Future<Integer> migrated = Migrator.fromClasspath().migrateAtStart(vertx, second, 1_000, 3);
    await().atMost(Duration.ofSeconds(30)).until(migrated::isComplete);
    assertThat(migrated.failed()).isTrue();
    assertThat(connections).as("one connection per counted try, none while the breaker is open").hasSize(3);
    assertThat(connections.get(0) - restoredAt).as("first connection after the restored breaker's reset time")
        .isGreaterThanOrEqualTo(Duration.ofMillis(RESET_MS - 100).toNanos());
    for (int i = 1; i < connections.size(); i++) {
      assertThat(connections.get(i) - connections.get(i - 1)).as("a failed probe opens the breaker again")
          .isGreaterThanOrEqualTo(Duration.ofMillis(RESET_MS - 100).toNanos());
    }
    assertThat(second.breaker().state()).isEqualTo(BreakerState.OPEN);
    second.close().await();
  }

  @Test
  void aRestoredOpenBreakerClosesWhenTheStartUpMigrationReachesTheDatabase() throws Exception {
    ReachConfig cfg = config(PostgresFixture.newDatabase());
    long openedAt = System.currentTimeMillis() - 60_000;
    new BreakerStateFile(BreakerStateFile.fileFor(stateDir, SERVICE))
        .save(List.of(new BreakerSnapshot(DbBreaker.NAME, BreakerState.HALF_OPEN, 2, openedAt, 4)));

    Db db = Db.create(vertx, cfg);
    BreakerStateFile.attachAtStart(vertx, cfg.stateDir(), SERVICE, List.of(db.breaker())).await();
    assertThat(db.breaker().state()).isEqualTo(BreakerState.OPEN);
    Future<Void> refused = db.ping();
    await().atMost(Duration.ofSeconds(10)).until(refused::isComplete);
    assertThat(refused.cause()).as("refused without a call").isInstanceOfSatisfying(ReachException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.DB_CIRCUIT_OPEN));

    long start = System.nanoTime();
    assertThat(Migrator.fromClasspath().migrateAtStart(vertx, db, 10_000, 3).await())
        .isEqualTo(Migrator.fromClasspath().migrations().size());
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(RESET_MS - 100).toNanos());
    assertThat(db.breaker().state()).isEqualTo(BreakerState.CLOSED);
    db.ping().await();
    await().atMost(Duration.ofSeconds(10)).until(() -> saved().get(DbBreaker.NAME).state() == BreakerState.CLOSED);
    assertThat(Files.readString(BreakerStateFile.fileFor(stateDir, SERVICE))).contains("\"times_opened\" : 4");
    db.close().await();
  }
}
