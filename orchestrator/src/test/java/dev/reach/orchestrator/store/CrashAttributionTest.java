package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.job.EndReason;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A runner crash counts against every job it ran; a job on its last strike runs alone, so a
 * poison pill is quarantined and its innocent neighbours are not. Restarts and drains end leases
 * at once.
 */
class CrashAttributionTest {
  private StoreFixture f;

  @BeforeEach
  void open() {
    f = new StoreFixture();
  }

  @AfterEach
  void close() {
    f.close();
  }

  private List<Lease> claim(String runner, String incarnation, long seq, int slots) {
    return f.leases.claim(new dev.reach.shared.bus.ClaimRequest(runner, incarnation, seq, slots, List.of())).await();
  }

  private String state(String jobId) {
    return f.sql("SELECT state::text FROM jobs WHERE id = $1", UUID.fromString(jobId)).getString(0);
  }

  @Test
  void aJobOnItsLastStrikeRunsAloneAndTheRunnerGetsNothingElseMeanwhile() {
    f.submit("{\"name\":\"r\",\"jobs\":[{\"name\":\"poison\",\"command\":\"p\",\"max_lost_attempts\":2},"
        + "{\"name\":\"neighbour\",\"command\":\"n\",\"max_lost_attempts\":2},{\"name\":\"other\",\"command\":\"o\"}]}");
    // the crash: r1 held all three and vanished
    assertThat(claim("r1", "i1", 1, 3)).hasSize(3);
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS + 1));
    assertThat(f.leases.reapExpired(100, f.epoch).await()).hasSize(3);
    // poison and neighbour are on their last strike (1 lost of 2): each runs alone
    List<Lease> first = claim("r2", "i2", 1, 3);
    assertThat(first).hasSize(1);
    assertThat(first.get(0).jobName()).isIn("poison", "neighbour");
    assertThat(claim("r2", "i2", 2, 2)).as("a runner holding a last-strike job gets nothing more").isEmpty();
    List<Lease> second = claim("r3", "i3", 1, 3);
    assertThat(second).hasSize(1);
    assertThat(second.get(0).jobName()).isIn("poison", "neighbour").isNotEqualTo(first.get(0).jobName());
    // an idle runner that already holds an ordinary job does not get a last-strike job
    List<Lease> third = claim("r4", "i4", 1, 3);
    assertThat(third).extracting(Lease::jobName).containsExactly("other");
    // the neighbour succeeds alone; the poison crashes its runner again and is quarantined
    Lease poison = first.get(0).jobName().equals("poison") ? first.get(0) : second.get(0);
    Lease neighbour = poison == first.get(0) ? second.get(0) : first.get(0);
    f.leases.complete(new CompletionReport(neighbour.jobId(), neighbour.token(), "r", 0, EndReason.EXIT_CODE, null)).await();
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS + 1));
    f.leases.heartbeat(new dev.reach.shared.bus.Heartbeat("r4", "i4", 3, List.of(), 1, List.of(third.get(0).token()))).await();
    f.leases.reapExpired(100, f.epoch).await();
    assertThat(state(neighbour.jobId())).isEqualTo("SUCCEEDED");
    assertThat(state(poison.jobId())).isEqualTo("QUARANTINED");
    assertThat(state(third.get(0).jobId())).isEqualTo("LEASED");
  }

  @Test
  void aRestartedRunnerLosesItsEarlierIncarnationsLeasesAtOnce() {
    f.submit("{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"x\"},{\"name\":\"b\",\"command\":\"y\"}]}");
    List<Lease> old = claim("r1", "i1", 1, 1);
    List<Lease> other = claim("r2", "j1", 1, 1);
    List<LeaseStore.Expired> expired = f.leases.expireOtherIncarnations("r1", "i2").await();
    assertThat(expired).extracting(LeaseStore.Expired::token).containsExactly(old.get(0).token());
    assertThat(expired.get(0).newState()).isEqualTo("QUEUED");
    assertThat(f.sql("SELECT state, reason FROM attempts WHERE token = $1", old.get(0).token()).getString("reason"))
        .isEqualTo("runner_restarted");
    assertThat(state(other.get(0).jobId())).isEqualTo("LEASED");
    // the new incarnation's own leases are not touched by a repeated report
    List<Lease> fresh = claim("r1", "i2", 1, 1);
    assertThat(f.leases.expireOtherIncarnations("r1", "i2").await()).isEmpty();
    assertThat(state(fresh.get(0).jobId())).isEqualTo("LEASED");
  }

  @Test
  void anInterruptedJobOfADrainingRunnerIsRequeuedAtOnceWithoutChargingABudget() {
    f.submitOne("sleep 60");
    Lease l = claim("r1", "i1", 1, 1).get(0);
    var c = f.leases.complete(new CompletionReport(l.jobId(), l.token(), "r1", null, EndReason.INTERRUPTED, null)).await();
    assertThat(c.newState()).isEqualTo("QUEUED");
    var row = f.sql("SELECT failed_attempts, lost_attempts FROM jobs WHERE id = $1", UUID.fromString(l.jobId()));
    assertThat(row.getInteger(0)).isZero();
    assertThat(row.getInteger(1)).isZero();
    assertThat(f.sql("SELECT state FROM attempts WHERE token = $1", l.token()).getString(0)).isEqualTo("RELEASED");
  }
}
