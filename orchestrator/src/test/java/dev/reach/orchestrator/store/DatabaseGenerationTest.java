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
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lease tokens carry the database generation (V009): after a restore bumps it, no report issued
 * before the restore matches a lease granted after it, old leases are not renewed, and the reaper
 * expires them by the normal rules.
 */
class DatabaseGenerationTest {
  private StoreFixture f;

  @BeforeEach
  void open() {
    f = new StoreFixture();
  }

  @AfterEach
  void close() {
    f.close();
  }

  private Lease claimOne(String runner, long seq) {
    List<Lease> leases = f.leases.claim(f.claim(runner, seq, 1)).await();
    assertThat(leases).hasSize(1);
    return leases.get(0);
  }

  private static CompletionReport exit(Lease l, long token, String runner) {
    return new CompletionReport(l.jobId(), token, runner, 0, EndReason.EXIT_CODE, null);
  }

  private String jobState(String jobId) {
    return f.sql("SELECT state::text FROM jobs WHERE id = $1", UUID.fromString(jobId)).getString(0);
  }

  /** A restore at the fixture's database time (the function stamps the server's clock). */
  private long bump() {
    long g = f.sql("SELECT reach_bump_generation('test restore')").getLong(0);
    f.sql("UPDATE db_generation SET changed_at = $1", f.now.now());
    return g;
  }

  /** Past the restore fence: one lease TTL after the bump. */
  private void pastTheFence() {
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS));
  }

  private static ErrorCode code(Throwable t) {
    return ((ReachException) t).code();
  }

  @Test
  void aFreshDatabaseIsGenerationZeroAndItsTokensSaySo() {
    assertThat(f.sql("SELECT reach_generation()").getLong(0)).isZero();
    f.submitOne("true");
    Lease l = claimOne("r1", 1);
    assertThat(LeaseStore.generationOf(l.token())).isZero();
    assertThat(f.leases.complete(exit(l, l.token(), "r1")).await().outcome()).isEqualTo(CompletionOutcome.ACCEPTED);
  }

  @Test
  void aRestoreRefusesEveryReportOfTheOldGenerationAndTheReaperRequeuesItsLeases() {
    f.submitOne("sleep 5");
    Lease old = claimOne("r1", 1);
    assertThat(bump()).isEqualTo(1);

    // the old lease is not renewed by its runner's heartbeat
    var renewal = f.leases.heartbeat(new Heartbeat("r1", "r1-inc", 1, List.of(), 1, List.of(old.token()))).await();
    assertThat(renewal.renewed()).isEmpty();
    // its reports are refused with the stable code, and change nothing
    assertThatThrownBy(() -> f.leases.started(UUID.fromString(old.jobId()), old.token(), 1L).await())
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.STALE_GENERATION));
    assertThatThrownBy(() -> f.leases.complete(exit(old, old.token(), "r1")).await())
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.STALE_GENERATION));
    assertThat(jobState(old.jobId())).isEqualTo("LEASED");

    // the normal rule: the lease runs out on the database clock and the reaper requeues the job
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS + 1));
    assertThat(f.leases.reapExpired(100, f.epoch).await()).extracting(LeaseStore.Expired::token)
        .containsExactly(old.token());
    assertThat(jobState(old.jobId())).isEqualTo("QUEUED");

    // the next lease is of the new generation, and completes
    Lease fresh = claimOne("r2", 1);
    assertThat(fresh.jobId()).isEqualTo(old.jobId());
    assertThat(LeaseStore.generationOf(fresh.token())).isEqualTo(1);
    assertThat(fresh.token()).isNotEqualTo(old.token());
    assertThat(f.leases.complete(exit(fresh, fresh.token(), "r2")).await().outcome())
        .isEqualTo(CompletionOutcome.ACCEPTED);
    assertThat(jobState(fresh.jobId())).isEqualTo("SUCCEEDED");
    // a late report of the old generation still changes nothing
    assertThatThrownBy(() -> f.leases.complete(exit(old, old.token(), "r1")).await())
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.STALE_GENERATION));
  }

  @Test
  void aTokenGrantedAfterTheBackupInTheLostDatabaseNeverMatchesATokenGrantedAfterTheRestore() {
    f.submitOne("true");
    f.submitOne("true");
    // the backup is "taken" here: the sequence as it is now is what a restore would bring back
    long seqAtBackup = f.sql("SELECT last_value FROM lease_token_seq").getLong(0);
    Lease lost = claimOne("r1", 1); // granted after the backup, in the database that is then lost
    // restore: the sequence comes back as it was at the backup, then the generation is bumped
    f.sql("SELECT setval('lease_token_seq', $1::bigint, false)", seqAtBackup + 0);
    bump();
    pastTheFence();
    Lease after = claimOne("r2", 1);
    assertThat(after.token()).isNotEqualTo(lost.token());
    assertThat(LeaseStore.generationOf(after.token())).isEqualTo(1);
    // the lost lease's report, replayed against the job the new lease holds, is refused
    CompletionReport replayed = new CompletionReport(after.jobId(), lost.token(), "r1", 0, EndReason.EXIT_CODE, null);
    assertThatThrownBy(() -> f.leases.complete(replayed).await())
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.STALE_GENERATION));
    assertThat(jobState(after.jobId())).isEqualTo("LEASED");
  }

  @Test
  void everyBumpMovesTheTokenRangeUp() {
    assertThat(bump()).isEqualTo(1);
    assertThat(bump()).isEqualTo(2);
    f.submitOne("true");
    pastTheFence();
    Lease l = claimOne("r1", 1);
    assertThat(l.token()).isEqualTo(2L << LeaseStore.GENERATION_SHIFT);
    assertThat(f.sql("SELECT reason FROM db_generation").getString(0)).isEqualTo("test restore");
  }

  @Test
  void afterARestoreNothingIsGrantedForOneLeaseTtlSoAnAttemptOfTheLostDatabaseCannotRunTwice() {
    f.submitOne("true"); // QUEUED in the backup; the lost database may have granted it after the backup
    bump();
    assertThat(f.leases.claim(f.claim("r1", 1, 4)).await()).as("at the restore").isEmpty();
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS - 1));
    assertThat(f.leases.claim(f.claim("r1", 2, 4)).await()).as("1 ms before the fence ends").isEmpty();
    f.now.advance(Duration.ofMillis(1));
    Lease l = claimOne("r1", 3);
    assertThat(LeaseStore.generationOf(l.token())).isEqualTo(1);
    // generation 0 (a database never restored) has no fence: its start is not a restore
    StoreFixture fresh = new StoreFixture();
    try {
      fresh.submitOne("true");
      assertThat(fresh.leases.claim(fresh.claim("r1", 1, 1)).await()).hasSize(1);
    } finally {
      fresh.close();
    }
  }
}
