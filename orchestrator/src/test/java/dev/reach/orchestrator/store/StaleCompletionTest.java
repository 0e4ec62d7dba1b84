package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.CompletionOutcome;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.job.EndReason;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Invariant 2, first half: a completion carrying a stale token (the lease expired and the job was
 * leased again to another runner) is refused visibly and changes nothing; the current holder's
 * completion is then accepted.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StaleCompletionTest {
  private StoreFixture f;
  private DbSnapshots snap;

  @BeforeEach
  void open() {
    f = new StoreFixture();
    snap = new DbSnapshots(f);
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void aStaleCompletionIsRefusedAndChangesNothingThenTheHolderIsAccepted() {
    f.submit("{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"x\",\"max_attempts\":1,\"max_lost_attempts\":3}]}");
    Lease old = claim("old-runner");
    UUID job = UUID.fromString(old.jobId());
    f.leases.started(job, old.token(), 1L).await();

    // the old runner goes silent; its lease runs out and the job goes to another runner
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS + 1));
    assertThat(f.leases.reapExpired(100, f.epoch).await()).extracting(LeaseStore.Expired::newState).containsExactly("QUEUED");
    Lease current = claim("new-runner");
    assertThat(current.jobId()).isEqualTo(old.jobId());
    assertThat(current.attempt()).isEqualTo(2);
    assertThat(current.token()).isGreaterThan(old.token());
    f.leases.started(job, current.token(), 2L).await();

    String jobRow = snap.job(job);
    List<String> attempts = snap.attempts(job);
    List<String> events = snap.events();
    long eventCount = snap.eventCount();

    // the old runner comes back and reports every way it could have ended
    for (CompletionReport stale : List.of(
        new CompletionReport(old.jobId(), old.token(), "old-runner", 0, EndReason.EXIT_CODE, null),
        new CompletionReport(old.jobId(), old.token(), "old-runner", 2, EndReason.EXIT_CODE, null),
        new CompletionReport(old.jobId(), old.token(), "old-runner", null, EndReason.TIMEOUT, null),
        new CompletionReport(old.jobId(), old.token(), "old-runner", null, EndReason.SELF_FENCED, null),
        new CompletionReport(old.jobId(), old.token(), "old-runner", null, EndReason.INTERRUPTED, null),
        new CompletionReport(old.jobId(), old.token(), "old-runner", null, EndReason.CANCELLED, null))) {
      Throwable t = catchThrowable(() -> f.leases.complete(stale).await());
      assertThat(t).as(stale.toString()).isInstanceOf(ReachException.class);
      ReachException e = (ReachException) t;
      assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.STALE_LEASE);
      assertThat(e.retryable()).isFalse();
      assertThat(e.field()).isEqualTo("token");
      assertThat(e.getMessage())
          .contains("lease token " + old.token())
          .contains("is not current")
          .contains(old.jobId())
          .contains("RUNNING")
          .endsWith("nothing changed");

      assertThat(snap.job(job)).isEqualTo(jobRow);
      assertThat(snap.attempts(job)).isEqualTo(attempts);
      assertThat(snap.eventCount()).isEqualTo(eventCount);
    }
    // nor may the old token start, or renew, anything
    Throwable started = catchThrowable(() -> f.leases.started(job, old.token(), 3L).await());
    assertThat(started).isInstanceOf(ReachException.class);
    assertThat(((ReachException) started).code()).isEqualTo(ErrorCode.STALE_LEASE);
    LeaseStore.Renewal renewal =
        f.leases.heartbeat(new Heartbeat("old-runner", "old-runner-inc", 4, List.of(), 1, List.of(old.token()))).await();
    assertThat(renewal.renewed()).isEmpty();
    assertThat(renewal.released()).isEmpty();

    assertThat(snap.job(job)).isEqualTo(jobRow);
    assertThat(snap.attempts(job)).isEqualTo(attempts);
    assertThat(snap.events()).isEqualTo(events);
    assertThat(f.sql("SELECT state::text FROM jobs WHERE id = $1", job).getString(0)).isEqualTo("RUNNING");
    assertThat(f.sql("SELECT lease_token FROM jobs WHERE id = $1", job).getLong(0)).isEqualTo(current.token());

    // the current holder's completion goes through
    LeaseStore.Completion done = f.leases.complete(
        new CompletionReport(current.jobId(), current.token(), "new-runner", 0, EndReason.EXIT_CODE, null)).await();
    assertThat(done.outcome()).isEqualTo(CompletionOutcome.ACCEPTED);
    assertThat(done.newState()).isEqualTo("SUCCEEDED");
    assertThat(f.sql("SELECT state::text, exit_code, attempt, lost_attempts, failed_attempts FROM jobs WHERE id = $1", job))
        .satisfies(r -> {
          assertThat(r.getString(0)).isEqualTo("SUCCEEDED");
          assertThat(r.getInteger(1)).isZero();
          assertThat(r.getInteger(2)).isEqualTo(2);
          assertThat(r.getInteger(3)).isEqualTo(1);
          assertThat(r.getInteger(4)).isZero();
        });
    assertThat(snap.texts("SELECT number || ':' || state || ':' || coalesce(reason, '') FROM attempts WHERE job_id = $1 ORDER BY number", job))
        .containsExactly("1:LOST:lease_expired", "2:SUCCEEDED:exit_code");
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'attempt_completed' AND job_id = $1", job)).isEqualTo(1);
    assertThat(f.count("SELECT token FROM events WHERE type = 'attempt_completed' AND job_id = $1", job)).isEqualTo(current.token());
  }

  @Test
  void aStaleCompletionWhileTheJobIsQueuedAgainIsRefusedToo() {
    f.submit("{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"x\",\"max_lost_attempts\":3}]}");
    Lease old = claim("old-runner");
    UUID job = UUID.fromString(old.jobId());
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS + 1));
    assertThat(f.leases.reapExpired(100, f.epoch).await()).hasSize(1);
    String jobRow = snap.job(job);
    List<String> attempts = snap.attempts(job);
    long events = snap.eventCount();

    Throwable t = catchThrowable(() -> f.leases.complete(
        new CompletionReport(old.jobId(), old.token(), "old-runner", 0, EndReason.EXIT_CODE, null)).await());
    assertThat(t).isInstanceOf(ReachException.class);
    assertThat(((ReachException) t).code()).isEqualTo(ErrorCode.STALE_LEASE);
    assertThat(t.getMessage()).contains("QUEUED").endsWith("nothing changed");
    assertThat(snap.job(job)).isEqualTo(jobRow);
    assertThat(snap.attempts(job)).isEqualTo(attempts);
    assertThat(snap.eventCount()).isEqualTo(events);
  }

  private Lease claim(String runner) {
    List<Lease> leases = f.leases.claim(new ClaimRequest(runner, runner + "-inc", 1, 1, List.of())).await();
    assertThat(leases).hasSize(1);
    return leases.get(0);
  }
}
