package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.CompletionOutcome;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.job.EndReason;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A runner retries a report after a bus timeout while the first delivery is still waiting in the
 * database, so two deliveries of the same report race. Whichever loses must be answered as a
 * duplicate (started: success; complete: ALREADY_ACCEPTED), never as STALE_LEASE: on a stale answer
 * to {@code started} the runner kills a job whose lease is perfectly valid.
 *
 * <p>The race is made deterministic: a transaction holds the job row's lock, both deliveries are
 * sent and seen waiting for it in {@code pg_stat_activity}, then the lock is released.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrentDuplicateReportTest {
  private StoreFixture f;
  private SqlConnection locker;

  @BeforeEach
  void open() {
    f = new StoreFixture();
  }

  @AfterEach
  void close() {
    if (locker != null) {
      locker.close().await();
    }
    f.close();
  }

  @Test
  void twoDeliveriesOfTheSameStartedReportBothSucceed() {
    Lease lease = leaseOne();
    UUID job = UUID.fromString(lease.jobId());

    lockJobRow(job);
    Future<Void> first = f.leases.started(job, lease.token(), 1L);
    Future<Void> second = f.leases.started(job, lease.token(), 1L);
    awaitWaitingOnLocks(2);
    releaseLock();

    Future.join(first, second).otherwiseEmpty().await();
    assertThat(first.cause()).as("first delivery").isNull();
    assertThat(second.cause()).as("second delivery").isNull();
    assertThat(f.sql("SELECT state::text FROM jobs WHERE id = $1", job).getString(0)).isEqualTo("RUNNING");
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'job_started' AND job_id = $1", job)).isEqualTo(1);
  }

  @Test
  void twoDeliveriesOfTheSameCompletionAreAcceptedAndAlreadyAccepted() {
    Lease lease = leaseOne();
    UUID job = UUID.fromString(lease.jobId());
    f.leases.started(job, lease.token(), 1L).await();
    CompletionReport report = new CompletionReport(lease.jobId(), lease.token(), "r1", 0, EndReason.EXIT_CODE, null);

    lockJobRow(job);
    Future<LeaseStore.Completion> first = f.leases.complete(report);
    Future<LeaseStore.Completion> second = f.leases.complete(report);
    awaitWaitingOnLocks(2);
    releaseLock();

    Future.join(first, second).otherwiseEmpty().await();
    assertThat(first.cause()).as("first delivery").isNull();
    assertThat(second.cause()).as("second delivery").isNull();
    assertThat(List.of(first.result().outcome(), second.result().outcome()))
        .containsExactlyInAnyOrder(CompletionOutcome.ACCEPTED, CompletionOutcome.ALREADY_ACCEPTED);
    assertThat(f.sql("SELECT state::text FROM jobs WHERE id = $1", job).getString(0)).isEqualTo("SUCCEEDED");
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'attempt_completed' AND job_id = $1", job)).isEqualTo(1);
  }

  private Lease leaseOne() {
    f.submitOne("true");
    List<Lease> leases = f.leases.claim(f.claim("r1", 1, 1)).await();
    assertThat(leases).hasSize(1);
    return leases.get(0);
  }

  private void lockJobRow(UUID job) {
    locker = f.db.pool().getConnection().await();
    locker.query("BEGIN").execute().await();
    locker.preparedQuery("SELECT 1 FROM jobs WHERE id = $1 FOR UPDATE").execute(Tuple.of(job)).await();
  }

  private void releaseLock() {
    locker.query("COMMIT").execute().await();
  }

  /** Polls (one round trip at a time, no sleeping) until {@code n} other sessions wait for a lock. */
  private void awaitWaitingOnLocks(int n) {
    while (f.count("""
        SELECT count(*) FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()""") < n) {
      Thread.onSpinWait();
    }
  }
}
