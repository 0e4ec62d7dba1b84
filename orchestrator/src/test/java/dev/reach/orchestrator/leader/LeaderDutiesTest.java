package dev.reach.orchestrator.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reach.orchestrator.store.DbNow;
import dev.reach.orchestrator.store.LeaderStore;
import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.orchestrator.store.RunStore;
import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.HeartbeatAck;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.Migrator;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.spec.RunSpec;
import dev.reach.shared.testing.PostgresFixture;
import dev.reach.shared.testing.SettableClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One leader pass and the outage answer, called directly (as the simulation calls them), on a real database. */
class LeaderDutiesTest {
  private static final long TTL = 3_000;
  private static final long GRACE = 10_000;

  private final Vertx vertx = Vertx.vertx();
  private final Db db = Db.create(vertx, PostgresFixture.config(Map.of("REACH_DB_POOL_SIZE", "2")));
  private OffsetDateTime now = OffsetDateTime.of(2030, 6, 1, 12, 0, 0, 0, ZoneOffset.UTC);
  private boolean down;
  private final DbNow dbNow = () -> {
    if (down) {
      throw new ReachException(ErrorCode.DB_UNAVAILABLE, "down (test)");
    }
    return now;
  };
  private final LeaseStore leases = new LeaseStore(db, dbNow, TTL);
  private final LeaderStore leader = new LeaderStore(db, dbNow);
  private final SettableClock clock = new SettableClock(Instant.parse("2030-06-01T12:00:00Z"));
  private final OutageState outage = new OutageState(clock, 5_000);
  private final List<Long> killed = new ArrayList<>();
  private final List<Long> deposedSeen = new ArrayList<>();
  private final Announcer announcer = new Announcer() {
    @Override
    public void killAttempts(List<Long> tokens) {
      killed.addAll(tokens);
    }

    @Override
    public void workAvailable() {}
  };

  LeaderDutiesTest() {
    Migrator.fromClasspath().migrate(db.pool()).await();
  }

  @AfterEach
  void close() {
    db.close().await();
    vertx.close().await();
  }

  private LeaderDuties duties() {
    return new LeaderDuties(leases, leader, outage, new ExpiryGuard(0.5, 1_000, 3_600_000, GRACE), GRACE,
        () -> clock.millis(), announcer, deposedSeen::add);
  }

  private Lease leaseOneJob() {
    new RunStore(db, dbNow).submit(RunSpec.parse(new JsonObject(
        "{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"true\",\"labels\":[\"t\"]}]}")), null).await();
    return leases.claim(new ClaimRequest("r1", "i1", 1, 1, List.of("t"))).await().get(0);
  }

  private void advance(long ms) {
    now = now.plus(Duration.ofMillis(ms));
    clock.advance(Duration.ofMillis(ms));
  }

  private String state(Lease lease) {
    return db.pool().query("SELECT state::text FROM jobs WHERE id = '" + lease.jobId() + "'").execute().await()
        .iterator().next().getString(0);
  }

  @Test
  void aPassWithASupersededEpochChangesNothingAndSaysWhichEpochItSaw() {
    long mine = leader.take("a", 0).await().epoch();
    long theirs = leader.take("b", 0).await().epoch();
    Lease lease = leaseOneJob();
    advance(TTL + 1);
    assertThat(duties().pass(mine).await()).isZero();
    assertThat(deposedSeen).containsExactly(theirs);
    assertThat(state(lease)).isEqualTo("LEASED");
    assertThat(duties().pass(theirs).await()).isEqualTo(1);
    assertThat(state(lease)).isEqualTo("QUEUED");
    assertThat(killed).containsExactly(lease.token());
  }

  @Test
  void afterTheDatabaseWasUnreachableAPassGracesBeforeItExpiresAnything() {
    long epoch = leader.take("a", 0).await().epoch();
    Lease lease = leaseOneJob();
    LeaderDuties duties = duties();
    down = true;
    Throwable failed = catchThrowable(() -> duties.pass(epoch).await());
    duties.failed(failed);
    assertThat(outage.graceNeeded()).isTrue();
    down = false;
    advance(TTL + 1);
    assertThat(duties.pass(epoch).await()).as("graced, not expired").isZero();
    assertThat(outage.graceNeeded()).isFalse();
    assertThat(state(lease)).isEqualTo("LEASED");
    advance(GRACE + 1);
    assertThat(duties.pass(epoch).await()).isEqualTo(1);
  }

  @Test
  void theOutageAnswerRenewsWhenItCanAndExtendsOnlyWithinTheCapWhenItCannot() {
    leader.take("a", 0).await();
    Lease lease = leaseOneJob();
    OutageHeartbeats answers = new OutageHeartbeats(leases, outage, announcer);
    Heartbeat hb = new Heartbeat("r1", "i1", 1, List.of("t"), 1, List.of(lease.token()));
    HeartbeatAck renewal = answers.answer(hb).await();
    assertThat(renewal.extension()).isFalse();
    assertThat(renewal.renewed()).containsExactly(lease.token());
    down = true;
    HeartbeatAck extension = answers.answer(hb).await();
    assertThat(extension.extension()).isTrue();
    assertThat(extension.renewed()).containsExactly(lease.token());
    assertThat(outage.graceNeeded()).isTrue();
    clock.advance(Duration.ofMillis(5_001));
    Throwable refused = catchThrowable(() -> answers.answer(hb).await());
    assertThat(BusErrors.classify(refused).code()).isEqualTo(ErrorCode.OUTAGE_CAP_REACHED);
  }

  @Test
  void aMassExpiryIsGracedAndRaisedAsACriticalAlert(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    dev.reach.shared.testing.RecordingAlertChannel sent = new dev.reach.shared.testing.RecordingAlertChannel();
    LeaderAlerts alerts = new LeaderAlerts(sent.alertsAtFirstFailure(vertx, dir, "orchestrator"), Long.MAX_VALUE);
    // one of one active lease running out is a mass expiry when the minimum is 1
    LeaderDuties duties = new LeaderDuties(leases, leader, outage, new ExpiryGuard(0.5, 1, 3_600_000, GRACE), GRACE,
        () -> clock.millis(), announcer, deposedSeen::add, alerts);
    long epoch = leader.take("a", 0).await().epoch();
    Lease lease = leaseOneJob();
    advance(TTL + 1);

    assertThat(duties.pass(epoch).await()).isZero();

    assertThat(state(lease)).isEqualTo("LEASED");
    assertThat(sent.keys()).containsExactly(dev.reach.shared.alert.AlertKeys.MASS_LEASE_EXPIRY);
    assertThat(sent.alerts.get(0).level()).isEqualTo(dev.reach.shared.alert.AlertLevel.CRITICAL);
    assertThat(sent.alerts.get(0).message()).contains("1 of 1 active leases would expire in one pass");
  }
}
