package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which runs retention picks, on an injected database clock: finished long enough ago, not purged, oldest first. */
class RetentionStoreTest {
  static final long RETENTION_MS = Duration.ofDays(30).toMillis();
  private StoreFixture f;
  private RetentionStore retention;

  @BeforeEach
  void open() {
    f = new StoreFixture();
    retention = new RetentionStore(f.db, f.now);
  }

  @AfterEach
  void close() {
    f.close();
  }

  /** A one-job run created {@code createdAgo} before now whose job ended {@code endedAgo} before now (null: still queued). */
  private UUID run(Duration createdAgo, Duration endedAgo) {
    UUID run = f.submitOne("true");
    OffsetDateTime now = f.now.now();
    f.sql("UPDATE runs SET created_at = $2 WHERE id = $1", run, now.minus(createdAgo));
    if (endedAgo != null) {
      f.sql("UPDATE jobs SET state = 'CANCELLED', reason = 'cancelled', ended_at = $2 WHERE run_id = $1",
          run, now.minus(endedAgo));
    }
    return run;
  }

  @Test
  void onlyRunsWhoseJobsAllEndedBeforeTheCutoffAreDue() {
    UUID old = run(Duration.ofDays(40), Duration.ofDays(31));
    UUID older = run(Duration.ofDays(50), Duration.ofDays(45));
    UUID recentlyEnded = run(Duration.ofDays(35), Duration.ofDays(29));
    UUID stillQueued = run(Duration.ofDays(40), null);
    UUID purged = run(Duration.ofDays(60), Duration.ofDays(59));
    f.sql("UPDATE runs SET purged_at = $2 WHERE id = $1", purged, f.now.now());

    assertThat(retention.purgeableRuns(RETENTION_MS, 10).await()).containsExactly(older, old);
    assertThat(retention.purgeableRuns(RETENTION_MS, 1).await()).containsExactly(older);

    f.now.advance(Duration.ofDays(2)); // recentlyEnded is now 31 days past its end
    assertThat(retention.purgeableRuns(RETENTION_MS, 10).await()).containsExactly(older, old, recentlyEnded);
    assertThat(stillQueued).isNotNull();
  }

  @Test
  void aRunWithOneJobStillRunningIsNotDue() {
    UUID run = f.submit("{\"name\":\"two\",\"jobs\":[{\"name\":\"a\",\"command\":\"true\"},{\"name\":\"b\",\"command\":\"true\"}]}");
    OffsetDateTime now = f.now.now();
    f.sql("UPDATE runs SET created_at = $2 WHERE id = $1", run, now.minus(Duration.ofDays(40)));
    f.sql("UPDATE jobs SET state = 'CANCELLED', reason = 'cancelled', ended_at = $2 WHERE run_id = $1 AND name = 'a'",
        run, now.minus(Duration.ofDays(35)));

    assertThat(retention.purgeableRuns(RETENTION_MS, 10).await()).isEmpty();
  }
}
