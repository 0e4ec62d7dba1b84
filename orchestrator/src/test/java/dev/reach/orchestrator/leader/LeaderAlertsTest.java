package dev.reach.orchestrator.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.orchestrator.store.DbNow;
import dev.reach.orchestrator.store.LeaderStore;
import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.shared.alert.AlertKeys;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.Migrator;
import dev.reach.shared.testing.PostgresFixture;
import dev.reach.shared.testing.RecordingAlertChannel;
import dev.reach.shared.testing.SettableClock;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader's alerts from a real leader verticle: deposed, and a lock holder that cannot take over. */
class LeaderAlertsTest {
  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final RecordingAlertChannel sent = new RecordingAlertChannel();
  private Db db;

  @AfterEach
  void close() {
    if (db != null) {
      db.close().await();
    }
    vertx.close().await();
  }

  private LeaderVerticle candidate(ReachConfig cfg, String id, long missingMs) {
    db = Db.create(vertx, cfg);
    LeaseStore leases = new LeaseStore(db, DbNow.DATABASE_CLOCK, 3_000);
    return new LeaderVerticle(leases, new LeaderStore(db, DbNow.DATABASE_CLOCK),
        new OutageState(new SettableClock(Instant.now()), 60_000),
        new LeaderVerticle.Settings(id, 50, 10_000, new ExpiryGuard(0.5, 4, 5_000, 10_000), () -> System.nanoTime() / 1_000_000,
            new dev.reach.shared.bus.LeaseTimings(3_000, 1_000, 3_000).outageRenewalTryMs()),
        new LeaderAlerts(sent.alertsAtFirstFailure(vertx, dir, "orchestrator"), missingMs));
  }

  @Test
  void aLeaderWhoseEpochMovesOnRaisesLeaderLostButAnOrderlyStopDoesNot() {
    ReachConfig cfg = PostgresFixture.config(Map.of());
    LeaderVerticle a = candidate(cfg, "node-a", 60_000);
    Migrator.fromClasspath().migrate(db.pool()).await();
    String id = vertx.deployVerticle(a).await();
    await().atMost(Duration.ofSeconds(10)).until(a::leading);

    // another node's takeover committed behind this one's back
    db.pool().query("UPDATE leadership SET epoch = epoch + 1, leader_id = 'node-b'").execute().await();
    await().atMost(Duration.ofSeconds(10)).until(() -> sent.keys().contains(AlertKeys.LEADER_LOST));
    assertThat(a.leading()).isFalse();
    assertThat(sent.alerts.get(0).message()).contains("deposed");

    int before = sent.alerts.size();
    vertx.undeploy(id).await();
    assertThat(sent.alerts).hasSize(before);
  }

  @Test
  void aLockHolderWhoseTakeoverCannotCommitRaisesLeaderMissing() {
    ReachConfig cfg = ReachConfig.from(Map.of("REACH_DB_URL", "postgresql://x:y@127.0.0.1:1/none",
        "REACH_DB_CONNECT_TIMEOUT_MS", "200"), 0);
    LeaderVerticle a = candidate(cfg, "node-a", 300);
    vertx.deployVerticle(a).await();

    await().atMost(Duration.ofSeconds(10)).until(() -> sent.keys().contains(AlertKeys.LEADER_MISSING));
    assertThat(sent.alerts.get(0).message()).contains("no orchestrator leads");
    assertThat(a.leading()).isFalse();
  }
}
