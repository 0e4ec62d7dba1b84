package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.job.EndReason;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Invariant 3, first half: the database refuses UPDATE, DELETE and TRUNCATE on the events table. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventsAppendOnlyTest {
  private StoreFixture f;
  private DbSnapshots snap;
  private List<String> before;

  @BeforeEach
  void open() {
    f = new StoreFixture();
    snap = new DbSnapshots(f);
    // a few events of every kind the lease protocol writes
    f.submit("{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"true\"},{\"name\":\"b\",\"command\":\"true\"}]}");
    List<Lease> leases = f.leases.claim(f.claim("r1", 1, 2)).await();
    assertThat(leases).hasSize(2);
    Lease a = leases.get(0);
    f.leases.started(UUID.fromString(a.jobId()), a.token(), 1L).await();
    f.leases.complete(new CompletionReport(a.jobId(), a.token(), "r1", 0, EndReason.EXIT_CODE, null)).await();
    before = snap.events();
    assertThat(before).hasSizeGreaterThanOrEqualTo(4);
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void updateIsRefused() {
    assertRt002(() -> f.sql("UPDATE events SET type = 'forged'"));
    assertRt002(() -> f.sql("UPDATE events SET payload = '{}'::jsonb WHERE seq = (SELECT max(seq) FROM events)"));
    assertRt002(() -> f.sql("UPDATE events SET token = token + 1 WHERE type = 'job_leased'"));
    assertRt002(() -> f.sql("UPDATE events SET at = at WHERE seq = $1", 1L)); // even a no-op change
    assertThat(snap.events()).isEqualTo(before);
  }

  @Test
  void deleteIsRefused() {
    assertRt002(() -> f.sql("DELETE FROM events"));
    assertRt002(() -> f.sql("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)"));
    assertRt002(() -> f.sql("DELETE FROM events WHERE type = 'attempt_completed' RETURNING seq"));
    assertThat(snap.events()).isEqualTo(before);
  }

  @Test
  void truncateIsRefused() {
    assertRt002(() -> f.db.pool().query("TRUNCATE events").execute().await());
    assertRt002(() -> f.db.pool().query("TRUNCATE TABLE events RESTART IDENTITY CASCADE").execute().await());
    assertThat(snap.events()).isEqualTo(before);
  }

  @Test
  void refusedInsideATransactionTooAndAppendingStillWorks() {
    Throwable t = catchThrowable(() -> f.db.pool().withTransaction(conn ->
        conn.preparedQuery("INSERT INTO events (type, payload) VALUES ('probe', '{}'::jsonb)").execute(Tuple.tuple())
            .compose(x -> conn.query("DELETE FROM events").execute())).await());
    assertThat(t).isInstanceOf(PgException.class);
    assertThat(((PgException) t).getSqlState()).isEqualTo("RT002");
    assertThat(snap.events()).as("the whole transaction rolled back").isEqualTo(before);

    // appending is what the table is for
    f.sql("INSERT INTO events (type, payload) VALUES ('probe', '{}'::jsonb)");
    List<String> after = snap.events();
    assertThat(after).hasSize(before.size() + 1);
    assertThat(after.subList(0, before.size())).isEqualTo(before);
  }

  private static void assertRt002(ThrowingCallable call) {
    Throwable t = catchThrowable(call);
    assertThat(t).isInstanceOf(PgException.class);
    PgException pg = (PgException) t;
    assertThat(pg.getSqlState()).as(pg.getMessage()).isEqualTo("RT002");
    assertThat(pg.getErrorMessage()).startsWith("events are append-only");
  }
}
