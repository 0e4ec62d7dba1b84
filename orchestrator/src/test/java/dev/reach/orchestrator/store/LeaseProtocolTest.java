package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reach.shared.bus.CompletionOutcome;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.job.EndReason;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lease protocol against a real Postgres, on a database clock the test moves (no sleeping). */
class LeaseProtocolTest {
  private static StoreFixture F;

  @BeforeEach
  void open() {
    F = new StoreFixture();
  }

  @AfterEach
  void close() {
    F.close();
  }

  private static Lease claimOne(String runner, long seq) {
    List<Lease> leases = F.leases.claim(F.claim(runner, seq, 100)).await();
    assertThat(leases).hasSize(1);
    return leases.get(0);
  }

  private static CompletionReport exit(Lease l, int code) {
    return new CompletionReport(l.jobId(), l.token(), "r1", code, EndReason.EXIT_CODE, null);
  }

  private static String jobState(String jobId) {
    return F.sql("SELECT state::text FROM jobs WHERE id = $1", UUID.fromString(jobId)).getString(0);
  }

  @Test
  void leaseExpiresOnlyAfterItsTtlOnTheDatabaseClock() {
    F.submitOne("sleep 1");
    Lease lease = claimOne("r1", 1);
    F.now.advance(Duration.ofMillis(StoreFixture.TTL_MS - 1));
    assertThat(F.leases.reapExpired(100, F.epoch).await()).isEmpty();
    F.now.advance(Duration.ofMillis(2));
    List<LeaseStore.Expired> expired = F.leases.reapExpired(100, F.epoch).await();
    assertThat(expired).extracting(LeaseStore.Expired::token).containsExactly(lease.token());
    assertThat(expired.get(0).newState()).isEqualTo("QUEUED");
    assertThat(F.sql("SELECT state, reason FROM attempts WHERE token = $1", lease.token()).getString("reason"))
        .isEqualTo("lease_expired");
    // the late completion of the expired attempt is stale and changes nothing
    assertThatThrownBy(() -> F.leases.complete(exit(lease, 0)).await())
        .isInstanceOf(ReachException.class)
        .extracting(e -> ((ReachException) e).code()).isEqualTo(ErrorCode.STALE_LEASE);
    assertThat(jobState(lease.jobId())).isEqualTo("QUEUED");
  }

  @Test
  void heartbeatRenewsFromTheDatabaseNow() {
    F.submitOne("sleep 1");
    Lease lease = claimOne("r2", 1);
    F.now.advance(Duration.ofMillis(StoreFixture.TTL_MS - 1000));
    var renewal = F.leases.heartbeat(new Heartbeat("r2", "r2-inc", 4, List.of(), 1, List.of(lease.token()))).await();
    assertThat(renewal.renewed()).containsExactly(lease.token());
    F.now.advance(Duration.ofMillis(StoreFixture.TTL_MS - 1));
    assertThat(F.leases.reapExpired(100, F.epoch).await()).isEmpty();
    F.now.advance(Duration.ofMillis(2));
    assertThat(F.leases.reapExpired(100, F.epoch).await()).extracting(LeaseStore.Expired::token).containsExactly(lease.token());
    // a heartbeat for a lease that is gone renews nothing: the runner must kill the job
    var late = F.leases.heartbeat(new Heartbeat("r2", "r2-inc", 4, List.of(), 1, List.of(lease.token()))).await();
    assertThat(late.renewed()).isEmpty();
  }

  @Test
  void lostAttemptsEndInQuarantineWhenTheBudgetIsSpent() {
    F.submitOne("poison"); // max_lost_attempts = 2
    Lease first = claimOne("r3", 1);
    F.now.advance(Duration.ofMillis(StoreFixture.TTL_MS + 1));
    assertThat(F.leases.reapExpired(100, F.epoch).await()).extracting(LeaseStore.Expired::newState).containsExactly("QUEUED");
    Lease second = claimOne("r3", 2);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.token()).isGreaterThan(first.token());
    F.now.advance(Duration.ofMillis(StoreFixture.TTL_MS + 1));
    assertThat(F.leases.reapExpired(100, F.epoch).await()).extracting(LeaseStore.Expired::newState).containsExactly("QUARANTINED");
    assertThat(F.sql("SELECT reason FROM jobs WHERE id = $1", UUID.fromString(second.jobId())).getString(0))
        .isEqualTo("lost_too_often");
  }

  @Test
  void completionIsAcceptedOnceThenAnsweredAsDuplicate() {
    F.submitOne("true");
    Lease lease = claimOne("r4", 1);
    F.leases.started(UUID.fromString(lease.jobId()), lease.token(), System.currentTimeMillis()).await();
    assertThat(jobState(lease.jobId())).isEqualTo("RUNNING");
    assertThat(F.leases.complete(exit(lease, 0)).await().outcome()).isEqualTo(CompletionOutcome.ACCEPTED);
    assertThat(F.leases.complete(exit(lease, 0)).await().outcome()).isEqualTo(CompletionOutcome.ALREADY_ACCEPTED);
    // a different outcome for the same token is not a duplicate: refused, nothing changes
    assertThatThrownBy(() -> F.leases.complete(exit(lease, 1)).await())
        .extracting(e -> ((ReachException) e).code()).isEqualTo(ErrorCode.STALE_LEASE);
    assertThat(jobState(lease.jobId())).isEqualTo("SUCCEEDED");
    assertThat(F.count("SELECT count(*) FROM events WHERE type = 'attempt_completed' AND token = $1", lease.token()))
        .isEqualTo(1);
  }

  @Test
  void ownFailuresAreRetriedWhileMaxAttemptsAllows() {
    F.submit("{\"name\":\"r\",\"jobs\":[{\"name\":\"flaky\",\"command\":\"x\",\"max_attempts\":2}]}");
    Lease first = claimOne("r5", 1);
    assertThat(F.leases.complete(exit(first, 3)).await().outcome()).isEqualTo(CompletionOutcome.ACCEPTED);
    assertThat(jobState(first.jobId())).isEqualTo("QUEUED");
    Lease second = claimOne("r5", 2);
    F.leases.complete(new CompletionReport(second.jobId(), second.token(), "r5", null, EndReason.TIMEOUT, null)).await();
    assertThat(F.sql("SELECT state::text, reason, failed_attempts FROM jobs WHERE id = $1", UUID.fromString(first.jobId())))
        .satisfies(r -> {
          assertThat(r.getString(0)).isEqualTo("FAILED");
          assertThat(r.getString(1)).isEqualTo("timeout");
          assertThat(r.getInteger(2)).isEqualTo(2);
        });
  }

  @Test
  void aLimitHitIsTheJobsOwnFailureRecordedWithItsReasonAndDetails() {
    F.submit("{\"name\":\"r\",\"jobs\":[{\"name\":\"hog\",\"command\":\"x\",\"max_attempts\":2,\"memory_limit_mb\":64}]}");
    Lease first = claimOne("r5b", 1);
    assertThat(first.spec().limits().memoryLimitMb()).isEqualTo(64); // the limit reaches the runner with the lease
    JsonObject memory = new JsonObject().put("limit", new JsonObject().put("kind", "memory").put("limit_bytes", 64L << 20));
    F.leases.complete(new CompletionReport(first.jobId(), first.token(), "r5b", null, EndReason.MEMORY_LIMIT_EXCEEDED, memory))
        .await();
    assertThat(jobState(first.jobId())).isEqualTo("QUEUED"); // an own failure: retried while max_attempts allows
    Lease second = claimOne("r5b", 2);
    // exit 0, but an artifact broke its limit: failed, not succeeded
    F.leases.complete(new CompletionReport(second.jobId(), second.token(), "r5b", 0, EndReason.ARTIFACT_TOO_LARGE,
        new JsonObject().put("limit", new JsonObject().put("kind", "artifact_size").put("artifact", "out/big.bin")))).await();
    assertThat(F.sql("SELECT state::text, reason, failed_attempts, exit_code FROM jobs WHERE id = $1", UUID.fromString(first.jobId())))
        .satisfies(r -> {
          assertThat(r.getString(0)).isEqualTo("FAILED");
          assertThat(r.getString(1)).isEqualTo("artifact_too_large");
          assertThat(r.getInteger(2)).isEqualTo(2);
          assertThat(r.getInteger(3)).isZero();
        });
    assertThat(F.sql("SELECT reason, log->'limit'->>'kind' FROM attempts WHERE token = $1", first.token()))
        .satisfies(r -> {
          assertThat(r.getString(0)).isEqualTo("memory_limit_exceeded");
          assertThat(r.getString(1)).isEqualTo("memory");
        });
  }

  @Test
  void aRetriedClaimReturnsTheSameLeases() {
    F.submit("{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"x\"},{\"name\":\"b\",\"command\":\"x\"}]}");
    List<Lease> first = F.leases.claim(F.claim("r6", 7, 2)).await();
    List<Lease> again = F.leases.claim(F.claim("r6", 7, 2)).await();
    assertThat(again).extracting(Lease::token).containsExactlyInAnyOrderElementsOf(first.stream().map(Lease::token).toList());
    assertThat(F.count("SELECT count(*) FROM attempts WHERE claim_request = 'r6-inc:7'")).isEqualTo(first.size());
  }

  @Test
  void aLeaseTheRunnerNeverReceivedIsReleasedAtOnce() {
    F.submitOne("x");
    Lease lost = claimOne("r7", 1);
    // the runner settled claim 1 but does not hold its lease: it never got the answer
    var renewal = F.leases.heartbeat(new Heartbeat("r7", "r7-inc", 4, List.of(), 1, List.of())).await();
    assertThat(renewal.released()).containsExactly(lost.token());
    assertThat(jobState(lost.jobId())).isEqualTo("QUEUED");
    assertThat(F.sql("SELECT lost_attempts FROM jobs WHERE id = $1", UUID.fromString(lost.jobId())).getInteger(0)).isZero();
    // a claim still in flight (seq 2 > settled 1) is left alone
    Lease inFlight = claimOne("r7", 2);
    assertThat(F.leases.heartbeat(new Heartbeat("r7", "r7-inc", 4, List.of(), 1, List.of())).await().released()).isEmpty();
    assertThat(jobState(inFlight.jobId())).isEqualTo("LEASED");
  }

  @Test
  void labelsRestrictWhoGetsAJob() {
    F.submit("{\"name\":\"r\",\"jobs\":[{\"name\":\"gpu\",\"command\":\"x\",\"labels\":[\"gpu\"]}]}");
    assertThat(F.leases.claim(F.claim("plain", 1, 10)).await()).noneMatch(l -> l.jobName().equals("gpu"));
    var withGpu = new dev.reach.shared.bus.ClaimRequest("g", "g-inc", 1, 10, List.of("gpu", "linux"));
    assertThat(F.leases.claim(withGpu).await()).anyMatch(l -> l.jobName().equals("gpu"));
  }
}
