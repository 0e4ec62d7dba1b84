package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.Lease;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The leadership epoch fences leader-only statements; a takeover graces every active lease first. */
class LeadershipEpochTest {
  private StoreFixture f;

  @BeforeEach
  void open() {
    f = new StoreFixture();
  }

  @AfterEach
  void close() {
    f.close();
  }

  private Lease claimOne(String runner) {
    List<Lease> leases = f.leases.claim(f.claim(runner, 1, 1)).await();
    assertThat(leases).hasSize(1);
    return leases.get(0);
  }

  private OffsetDateTime expiry(Lease l) {
    return f.sql("SELECT lease_expires_at FROM jobs WHERE lease_token = $1", l.token()).getOffsetDateTime(0);
  }

  @Test
  void aDeposedLeaderThatWakesUpLateChangesNothing() {
    f.submitOne("sleep 1");
    Lease lease = claimOne("r1");
    long old = f.epoch;
    LeaderStore.Takeover takeover = f.leader.take("node-b", 0).await();
    assertThat(takeover.epoch()).isEqualTo(old + 1);
    assertThat(takeover.previousLeaderId()).isEqualTo("test-leader");
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS + 1));
    // the old leader's reap and grace do nothing
    assertThat(f.leases.reapExpired(100, old).await()).isEmpty();
    assertThat(f.leader.grace(old, 60_000, "late").await()).isEqualTo(-1L);
    assertThat(f.sql("SELECT state::text FROM jobs WHERE lease_token = $1", lease.token()).getString(0)).isEqualTo("LEASED");
    // the current leader's do
    assertThat(f.leases.reapExpired(100, takeover.epoch()).await()).extracting(LeaseStore.Expired::token)
        .containsExactly(lease.token());
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'leader_elected'")).isEqualTo(2);
    assertThat(f.sql("SELECT payload->>'previous_leader_id' FROM events WHERE type = 'leader_elected' ORDER BY seq DESC LIMIT 1")
        .getString(0)).isEqualTo("test-leader");
  }

  @Test
  void takeoverGracesEveryActiveLeaseAndNeverShortensOne() {
    f.submit("{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"x\"},{\"name\":\"b\",\"command\":\"y\"}]}");
    Lease a = claimOne("r1");
    Lease b = claimOne("r2");
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS - 100)); // a and b are about to run out
    OffsetDateTime bBefore = expiry(b);
    LeaderStore.Takeover t = f.leader.take("node-b", 70_000).await();
    assertThat(t.graced()).isEqualTo(2);
    OffsetDateTime floor = f.now.now().plus(Duration.ofMillis(70_000));
    assertThat(expiry(a)).isEqualTo(floor);
    assertThat(expiry(b)).isAfterOrEqualTo(bBefore);
    // nothing expires early: one TTL later the graced leases are still active
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS + 1));
    assertThat(f.leases.reapExpired(100, t.epoch()).await()).isEmpty();
    // a second grace never shortens a lease: a shorter grace leaves them as they are
    assertThat(f.leader.grace(t.epoch(), 1, "test").await()).isEqualTo(2);
    assertThat(expiry(a)).isEqualTo(floor);
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'leases_graced'")).isEqualTo(1);
  }

  @Test
  void probeReportsActiveAndExpiringLeasesOnTheDatabaseClock() {
    f.submit("{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"x\"},{\"name\":\"b\",\"command\":\"y\"}]}");
    claimOne("r1");
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS / 2));
    claimOne("r2");
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS / 2 + 1));
    LeaderStore.Probe p = f.leader.probe().await();
    assertThat(p.epoch()).isEqualTo(f.epoch);
    assertThat(p.active()).isEqualTo(2);
    assertThat(p.expiring()).isEqualTo(1);
    assertThat(p.dbNow()).isEqualTo(f.now.now());
  }
}
