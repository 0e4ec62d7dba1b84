package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reach.shared.audit.ChainEncoding;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the database itself guarantees of the chain (V005): append-only seals, links checked at commit. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventChainSchemaTest {
  private static final String H1 = "1".repeat(64);
  private static final String H2 = "2".repeat(64);
  private static final String H3 = "3".repeat(64);

  private StoreFixture f;
  private long first;

  @BeforeEach
  void open() {
    f = new StoreFixture();
    first = f.count("SELECT min(seq) FROM events"); // the fixture's leader_elected
    f.sql("INSERT INTO event_seals (pos, seq, prev_hash, hash, epoch) VALUES (1, $1, $2, $3, 1)", first,
        ChainEncoding.GENESIS, H1);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private long append() {
    return f.count("INSERT INTO events (type, payload) VALUES ('probe', '{}'::jsonb) RETURNING seq");
  }

  private static PgException pg(Throwable t) {
    assertThat(t).isInstanceOf(PgException.class);
    return (PgException) t;
  }

  @Test
  void sealsAreAppendOnly() {
    for (String sql : new String[] {"UPDATE event_seals SET hash = hash", "DELETE FROM event_seals",
        "TRUNCATE event_seals"}) {
      PgException e = pg(catchThrowable(() -> f.db.pool().query(sql).execute().await()));
      assertThat(e.getSqlState()).as(sql).isEqualTo("RT002");
      assertThat(e.getErrorMessage()).startsWith("event seals are append-only");
    }
    assertThat(f.count("SELECT count(*) FROM event_seals")).isEqualTo(1);
  }

  @Test
  void eventsStayAppendOnlyWithTheirTransactionStamped() {
    for (String sql : new String[] {"UPDATE events SET xid = '0'", "DELETE FROM events", "TRUNCATE events",
        "TRUNCATE events CASCADE"}) {
      assertThat(pg(catchThrowable(() -> f.db.pool().query(sql).execute().await())).getSqlState()).as(sql)
          .isEqualTo("RT002");
    }
    long xid = f.db.pool().withTransaction(c -> c.query("INSERT INTO events (type, payload) VALUES ('x', '{}'::jsonb)")
        .execute().compose(r -> c.query("SELECT (SELECT xid FROM events WHERE type = 'x')::text::bigint"
            + " - pg_current_xact_id()::text::bigint").execute())).await().iterator().next().getLong(0);
    assertThat(xid).as("the event's xid is its transaction's").isZero();
  }

  @Test
  void aSealThatDoesNotLinkToTheLastOneIsRefusedAtCommit() {
    long seq = append();
    PgException e = pg(catchThrowable(() -> f.sql(
        "INSERT INTO event_seals (pos, seq, prev_hash, hash, epoch) VALUES (2, $1, $2, $3, 1)", seq, H3, H2)));
    assertThat(e.getSqlState()).isEqualTo("RT003");
    assertThat(e.getErrorMessage()).contains("does not link to the hash of seal 1");
  }

  @Test
  void aGapInPositionsASkippedEventOrAForkIsRefused() {
    long a = append();
    long b = append();
    // position 3 without 2
    PgException gap = pg(catchThrowable(() -> f.sql(
        "INSERT INTO event_seals (pos, seq, prev_hash, hash, epoch) VALUES (3, $1, $2, $3, 1)", b, H1, H2)));
    assertThat(gap.getErrorMessage()).contains("has no seal 2 before it");
    // sealing b while a, committed, is left out
    PgException skip = pg(catchThrowable(() -> f.sql(
        "INSERT INTO event_seals (pos, seq, prev_hash, hash, epoch) VALUES (2, $1, $2, $3, 1)", b, H1, H2)));
    assertThat(skip.getErrorMessage()).contains("skips a committed event");
    // a second seal at a position (a fork) collides on the key
    f.sql("INSERT INTO event_seals (pos, seq, prev_hash, hash, epoch) VALUES (2, $1, $2, $3, 1)", a, H1, H2);
    PgException fork = pg(catchThrowable(() -> f.sql(
        "INSERT INTO event_seals (pos, seq, prev_hash, hash, epoch) VALUES (2, $1, $2, $3, 1)", b, H1, H3)));
    assertThat(fork.getSqlState()).isEqualTo("23505");
    assertThat(f.count("SELECT count(*) FROM event_seals")).isEqualTo(2);
  }

  @Test
  void aSealMustNameAnEvent() {
    PgException e = pg(catchThrowable(() -> f.sql(
        "INSERT INTO event_seals (pos, seq, prev_hash, hash, epoch) VALUES (2, 999999, $1, $2, 1)", H1, H2)));
    assertThat(e.getErrorMessage()).contains("which is no event");
  }

  @Test
  void theWholeBatchIsCheckedAtCommitSoItsOwnLinksCount() {
    long a = append();
    long b = append();
    // one statement, two seals, linked to each other: fine in any row order
    f.db.pool().preparedQuery("INSERT INTO event_seals (pos, seq, prev_hash, hash, epoch)"
        + " SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[]) ORDER BY 1 DESC")
        .execute(Tuple.of(new Long[] {2L, 3L}, new Long[] {a, b}, new String[] {H1, H2}, new String[] {H2, H3},
            new Long[] {1L, 1L})).await();
    assertThat(f.count("SELECT max(pos) FROM event_seals")).isEqualTo(3);
  }
}
