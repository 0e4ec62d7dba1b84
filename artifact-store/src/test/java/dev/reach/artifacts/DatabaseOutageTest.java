package dev.reach.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.artifacts.StoreFixture.Lease;
import dev.reach.artifacts.StoreFixture.Response;
import dev.reach.shared.testing.PostgresFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fail closed: when the lease check cannot be asked of the database, writes answer the database's
 * error (503, retryable, Retry-After) and write nothing. The database is made unanswerable by a
 * transaction holding an exclusive lock on {@code jobs}: the check waits past the statement
 * timeout, as against a frozen server; with the breaker at one failure the next call fails fast.
 */
class DatabaseOutageTest {
  StoreFixture store;
  Connection locker;

  @BeforeEach
  void start() throws Exception {
    store = StoreFixture.start(Map.of(
        "REACH_DB_STATEMENT_TIMEOUT_MS", "500",
        "REACH_DB_BREAKER_FAILURES", "1",
        // open long enough that the two requests after the one that opens it both find it open on a slow
        // machine too (half-open, a write would wait on the lock again and answer DB_UNAVAILABLE)
        "REACH_DB_BREAKER_RESET_MS", "3000"));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (locker != null) {
        locker.rollback();
        locker.close();
      }
    } finally {
      store.close();
    }
  }

  private void freezeJobs() throws Exception {
    locker = PostgresFixture.server().getDatabase("postgres", store.cfg.db().database()).getConnection();
    locker.setAutoCommit(false);
    try (Statement st = locker.createStatement()) {
      st.execute("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE");
    }
  }

  private void thawJobs() throws Exception {
    locker.rollback();
    locker.close();
    locker = null;
  }

  @Test
  void writesFailClosedWithRetryAfterAndRecoverWhenTheDatabaseAnswersAgain() throws Exception {
    Lease lease = store.lease();
    store.post(lease.logUri("offset=0"), "before\n");
    freezeJobs();

    Response unanswered = store.post(lease.logUri("offset=7"), "during\n");
    assertUnavailable(unanswered, "DB_UNAVAILABLE");
    // the breaker opened on that failure: the next writes fail at once
    assertUnavailable(store.post(lease.logUri("offset=7&seal=true"), "during\n"), "DB_CIRCUIT_OPEN");
    assertUnavailable(store.send(HttpMethod.PUT, lease.artifactUri("out.txt"), Buffer.buffer("x")), "DB_CIRCUIT_OPEN");
    assertThat(Files.readString(store.logFile(lease.key()))).isEqualTo("before\n");
    assertThat(store.files("tmp")).isEmpty();

    thawJobs();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> store.post(lease.logUri("offset=7"), "after\n").status() == 200);
    assertThat(Files.readString(store.logFile(lease.key()))).isEqualTo("before\nafter\n");
    assertThat(store.sql("SELECT 1 FROM artifacts WHERE job_id = $1", lease.jobId()).rowCount()).isZero();
  }

  private static void assertUnavailable(Response r, String code) {
    assertThat(r.status()).as(r.body().toString()).isEqualTo(503);
    assertThat(r.error().getString("code")).isEqualTo(code);
    assertThat(r.error().getBoolean("retryable")).isTrue();
    assertThat(r.error().getLong("retry_after_ms")).isPositive();
    assertThat(r.headers().get("Retry-After")).isNotNull();
    assertThat(Long.parseLong(r.headers().get("Retry-After"))).isPositive();
  }
}
