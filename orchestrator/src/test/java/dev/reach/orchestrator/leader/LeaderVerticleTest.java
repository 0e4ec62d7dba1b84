package dev.reach.orchestrator.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.orchestrator.store.DbNow;
import dev.reach.orchestrator.store.LeaderStore;
import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.HeartbeatAck;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.Migrator;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.testing.PostgresFixture;
import dev.reach.shared.testing.SettableClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two leader candidates on one database: one leads; when it stops, the other takes over with a higher epoch. */
class LeaderVerticleTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<Db> pools = new ArrayList<>();

  @AfterEach
  void close() {
    pools.forEach(d -> d.close().await());
    vertx.close().await();
  }

  private Db db(ReachConfig cfg) {
    Db db = Db.create(vertx, cfg);
    pools.add(db);
    return db;
  }

  private LeaderVerticle candidate(Db db, String id, OutageState outage) {
    LeaseStore leases = new LeaseStore(db, DbNow.DATABASE_CLOCK, 3_000);
    return new LeaderVerticle(leases, new LeaderStore(db, DbNow.DATABASE_CLOCK), outage,
        new LeaderVerticle.Settings(id, 50, 10_000, new ExpiryGuard(0.5, 4, 5_000, 10_000), () -> System.nanoTime() / 1_000_000,
            new dev.reach.shared.bus.LeaseTimings(3_000, 1_000, 3_000).outageRenewalTryMs()));
  }

  @Test
  void whenTheLeaderStopsTheOtherTakesOverWithTheNextEpoch() {
    ReachConfig cfg = PostgresFixture.config(Map.of());
    Db db = db(cfg);
    Migrator.fromClasspath().migrate(db.pool()).await();
    SettableClock clock = new SettableClock(Instant.now());
    LeaderVerticle a = candidate(db, "node-a", new OutageState(clock, 60_000));
    LeaderVerticle b = candidate(db, "node-b", new OutageState(clock, 60_000));
    String aId = vertx.deployVerticle(a).await();
    await().atMost(Duration.ofSeconds(10)).until(a::leading);
    vertx.deployVerticle(b).await();
    long first = a.epoch();
    assertThat(b.leading()).isFalse();
    vertx.undeploy(aId).await();
    await().atMost(Duration.ofSeconds(10)).until(b::leading);
    assertThat(b.epoch()).isEqualTo(first + 1);
    var rows = db.pool().query("SELECT payload FROM events WHERE type = 'leader_elected' ORDER BY seq").execute().await();
    List<String> leaders = new ArrayList<>();
    rows.forEach(r -> leaders.add(((JsonObject) r.getValue(0)).getString("leader_id")));
    assertThat(leaders).containsExactly("node-a", "node-b");
  }

  @Test
  void withTheDatabaseUnreachableTheLockHolderGrantsCappedOutageExtensions() {
    // a database nobody listens on: every call fails as unreachable
    ReachConfig cfg = ReachConfig.from(Map.of("REACH_DB_URL", "postgresql://x:y@127.0.0.1:1/none",
        "REACH_DB_CONNECT_TIMEOUT_MS", "200", "REACH_DB_BREAKER_FAILURES", "3"), 0);
    SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
    OutageState outage = new OutageState(clock, 60_000);
    LeaderVerticle leader = candidate(db(cfg), "node-a", outage);
    vertx.deployVerticle(leader).await();
    Heartbeat hb = new Heartbeat("r1", "i1", 2, List.of(), 0, List.of(7L, 8L));
    HeartbeatAck ack = await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(
        () -> HeartbeatAck.fromJson((JsonObject) vertx.eventBus().request(Addresses.OUTAGE_HEARTBEAT, hb.toJson()).await().body()),
        a -> a != null);
    assertThat(leader.leading()).as("no epoch can be committed without the database").isFalse();
    assertThat(ack.extension()).isTrue();
    assertThat(ack.renewed()).containsExactly(7L, 8L);
    assertThat(ack.outageRemainingMs()).isBetween(1L, 60_000L);
    assertThat(outage.graceNeeded()).isTrue();
    clock.advance(Duration.ofSeconds(61));
    Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
        () -> vertx.eventBus().request(Addresses.OUTAGE_HEARTBEAT, hb.toJson()).await());
    assertThat(BusErrors.classify(refused).code()).isEqualTo(ErrorCode.OUTAGE_CAP_REACHED);
  }
}
