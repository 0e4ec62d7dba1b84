package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reach.shared.bus.Lease;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Quarantined jobs become dead letters (spec, attempts, why each was lost) and are requeued as new runs. */
class DeadLetterTest {
  private StoreFixture f;
  private DeadLetterStore letters;

  @BeforeEach
  void open() {
    f = new StoreFixture();
    letters = new DeadLetterStore(f.db, f.runs);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private Lease lose(String runner, long seq) {
    List<Lease> leases = f.leases.claim(f.claim(runner, seq, 1)).await();
    assertThat(leases).hasSize(1);
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS + 1));
    f.leases.reapExpired(100, f.epoch).await();
    return leases.get(0);
  }

  @Test
  void aQuarantinedJobIsADeadLetterWithItsAttemptsAndCanBeRequeued() {
    UUID run = f.submitOne("poison"); // max_lost_attempts = 2
    Lease first = lose("r1", 1);
    lose("r2", 1);
    UUID job = UUID.fromString(first.jobId());
    assertThat(f.sql("SELECT state::text FROM jobs WHERE id = $1", job).getString(0)).isEqualTo("QUARANTINED");

    var list = letters.list(10).await();
    assertThat(list).hasSize(1);
    assertThat(list.getJsonObject(0).getString("job_id")).isEqualTo(job.toString());
    assertThat(list.getJsonObject(0).getString("reason")).isEqualTo("lost_too_often");

    JsonObject letter = letters.get(job).await();
    assertThat(letter.getJsonObject("spec").getString("command")).isEqualTo("poison");
    assertThat(letter.getJsonArray("attempts")).hasSize(2);
    assertThat(letter.getJsonArray("attempts").getJsonObject(0).getString("reason")).isEqualTo("lease_expired");
    assertThat(letter.getJsonArray("attempts").getJsonObject(1).getString("runner")).isEqualTo("r2");

    DeadLetterStore.Requeued r = letters.requeue(job).await();
    assertThat(r.requeueOfRun()).isEqualTo(run);
    assertThat(f.sql("SELECT requeue_of FROM runs WHERE id = $1", r.runId()).getUUID(0)).isEqualTo(job);
    assertThat(f.count("SELECT count(*) FROM jobs WHERE run_id = $1 AND state = 'QUEUED' AND spec->>'command' = 'poison'",
        r.runId())).isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'dead_letter_requeued' AND payload->>'new_run_id' = $1",
        r.runId().toString())).isEqualTo(1);
    // history is not edited: the old job stays quarantined, its letter unchanged
    assertThat(f.sql("SELECT state::text FROM jobs WHERE id = $1", job).getString(0)).isEqualTo("QUARANTINED");
    assertThat(letters.get(job).await().getJsonArray("requeued_runs").getString(0)).isEqualTo(r.runId().toString());
  }

  @Test
  void deadLettersAreNeverChangedOrDeleted() {
    f.submitOne("poison");
    lose("r1", 1);
    lose("r1", 2);
    Throwable update = catchThrowable(() -> f.sql("UPDATE dead_letters SET reason = 'fine'"));
    Throwable delete = catchThrowable(() -> f.sql("DELETE FROM dead_letters"));
    assertThat(update).hasMessageContaining("never changed");
    assertThat(delete).hasMessageContaining("never changed");
    assertThat(f.count("SELECT count(*) FROM dead_letters")).isEqualTo(1);
  }

  @Test
  void anUnknownDeadLetterIsNotFound() {
    Throwable t = catchThrowable(() -> letters.get(UUID.randomUUID()).await());
    assertThat(t).isInstanceOf(ReachException.class);
    assertThat(((ReachException) t).code()).isEqualTo(ErrorCode.DEAD_LETTER_NOT_FOUND);
    Throwable r = catchThrowable(() -> letters.requeue(UUID.randomUUID()).await());
    assertThat(((ReachException) r).code()).isEqualTo(ErrorCode.DEAD_LETTER_NOT_FOUND);
  }
}
