package dev.reach.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.artifacts.StoreFixture.Lease;
import dev.reach.artifacts.StoreFixture.Response;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token fencing of every write (log chunk, log seal, artifact upload) against the real jobs table:
 * only the job's current lease writes; a refused write is 409 STALE_LEASE and writes nothing;
 * reads are never fenced.
 */
class LeaseFencingTest {
  static StoreFixture store;

  @BeforeAll
  static void start() throws Exception {
    store = StoreFixture.start(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void theCurrentLeaseAppendsSealsAndUploads() throws Exception {
    Lease lease = store.lease();
    assertThat(store.post(lease.logUri("offset=0"), "line\n").status()).isEqualTo(200);
    Response upload = store.send(HttpMethod.PUT, lease.artifactUri("out.txt"), Buffer.buffer("result"));
    assertThat(upload.status()).isEqualTo(200);
    Response sealed = store.post(lease.logUri("offset=5&seal=true"), "");
    assertThat(sealed.status()).isEqualTo(200);
    assertThat(sealed.json().getBoolean("sealed")).isTrue();
  }

  @Test
  void anOlderAttemptsTokenIsRefusedAndWritesNothing() throws Exception {
    Lease first = store.lease();
    store.post(first.logUri("offset=0"), "first attempt\n");
    Lease second = store.nextAttempt(first);

    assertRefusedWritingNothing(first, 14);
    // the old token does not open the new attempt either
    Lease forged = new Lease(first.jobId(), second.attempt(), first.token());
    assertStale(store.post(forged.logUri("offset=0"), "x"), forged);
    assertThat(Files.exists(store.logFile(second.key()))).isFalse();

    assertThat(store.post(second.logUri("offset=0&seal=true"), "second attempt\n").status()).isEqualTo(200);
    assertThat(Files.readString(store.logFile(second.key()))).isEqualTo("second attempt\n");
    // reads are never fenced: the old attempt's log is still there to read
    Response old = store.get("/v1/logs/" + first.jobId() + "/1?offset=0");
    assertThat(old.status()).isEqualTo(200);
    assertThat(old.body().toString()).isEqualTo("first attempt\n");
  }

  @Test
  void aFinishedAttemptIsRefused() throws Exception {
    for (String end : new String[] {"SUCCEEDED", "FAILED", "CANCELLED"}) {
      Lease lease = store.lease();
      store.post(lease.logUri("offset=0"), "done\n");
      store.end(lease, end);
      assertRefusedWritingNothing(lease, 5);
      assertThat(store.get(lease.logUri("offset=0")).body().toString()).as(end).isEqualTo("done\n");
    }
  }

  @Test
  void aLostAttemptIsRefusedWhileItsJobWaitsToBeLeasedAgain() throws Exception {
    Lease lease = store.lease();
    store.post(lease.logUri("offset=0"), "partial\n");
    store.lose(lease); // QUEUED again: same attempt number and token on the row, but no lease
    assertRefusedWritingNothing(lease, 8);
  }

  @Test
  void aRequeuedDeadLetterKeepsItsOldAttemptsFenced() throws Exception {
    Lease lease = store.lease();
    store.end(lease, "QUARANTINED");
    assertThat(store.sql("SELECT 1 FROM dead_letters WHERE job_id = $1", lease.jobId()).rowCount()).isEqualTo(1);
    Lease requeued = store.lease();
    store.sql("UPDATE runs SET requeue_of = $1 WHERE id = (SELECT run_id FROM jobs WHERE id = $2)",
        lease.jobId(), requeued.jobId());

    assertRefusedWritingNothing(lease, 0);
    assertThat(store.post(requeued.logUri("offset=0&seal=true"), "again\n").status()).isEqualTo(200);
  }

  @Test
  void anUnknownJobIsRefused() throws Exception {
    Lease nobody = new Lease(UUID.randomUUID(), 1, 12345);
    Response r = store.post(nobody.logUri("offset=0"), "x");
    assertStale(r, nobody);
    assertThat(r.error().getString("message")).contains("no such job");
    assertThat(Files.exists(store.logFile(nobody.key()))).isFalse();
  }

  @Test
  void aSealAfterTheLeaseMovedOnIsRefusedByItsOwnStatement() throws Exception {
    Lease lease = store.lease();
    store.post(lease.logUri("offset=0"), "output\n");
    store.lose(lease);
    // no new bytes: the seal statement itself is the check
    long before = store.service.db().roundTrips();
    assertStale(store.post(lease.logUri("offset=7&seal=true"), ""), lease);
    assertThat(store.service.db().roundTrips() - before).isEqualTo(1);
    assertThat(store.sql("SELECT 1 FROM attempt_logs WHERE job_id = $1", lease.jobId()).rowCount()).isZero();
    assertThat(store.get(lease.logUri("offset=0")).headers().get("Reach-Log-Sealed")).isEqualTo("false");
  }

  @Test
  void anUploadWhoseLeaseMovesOnWhileItStreamsRecordsNoArtifact() throws Exception {
    Lease lease = store.lease();
    HttpClientRequest req = StoreFixture.await(store.http.request(new RequestOptions().setMethod(HttpMethod.PUT)
        .setHost("127.0.0.1").setPort(store.service.httpPort()).setURI(lease.artifactUri("slow.bin"))));
    req.setChunked(true);
    Future<Response> answer = req.response().compose(resp -> resp.body().map(b -> new Response(resp.statusCode(),
        resp.headers(), b)));
    StoreFixture.await(req.write(Buffer.buffer(new byte[64 * 1024])));
    await().atMost(Duration.ofSeconds(10)).until(() -> !store.files("tmp").isEmpty()); // past the first check

    store.nextAttempt(lease);
    StoreFixture.await(req.end(Buffer.buffer("the end")));

    assertStale(StoreFixture.await(answer), lease);
    assertThat(store.sql("SELECT 1 FROM artifacts WHERE job_id = $1", lease.jobId()).rowCount()).isZero();
    assertThat(store.get("/v1/artifacts/" + lease.jobId() + "/1/slow.bin").status()).isEqualTo(404);
  }

  /** Append, seal and upload with {@code lease} are all refused; the log keeps its {@code size} bytes, no rows appear. */
  private static void assertRefusedWritingNothing(Lease lease, long size) throws Exception {
    boolean existed = Files.exists(store.logFile(lease.key()));
    byte[] before = existed ? Files.readAllBytes(store.logFile(lease.key())) : new byte[0];
    assertThat(before).hasSize((int) size);

    assertStale(store.post(lease.logUri("offset=" + size), "late chunk\n"), lease);
    assertStale(store.post(lease.logUri("offset=" + size + "&seal=true"), "late end\n"), lease);
    assertStale(store.post(lease.logUri("offset=" + size + "&seal=true"), ""), lease);
    byte[] content = ("stale artifact " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    assertStale(store.send(HttpMethod.PUT, lease.artifactUri("out.bin"), Buffer.buffer(content)), lease);

    assertThat(Files.exists(store.logFile(lease.key()))).isEqualTo(existed);
    if (existed) {
      assertThat(Files.readAllBytes(store.logFile(lease.key()))).isEqualTo(before);
    }
    assertThat(store.sql("SELECT 1 FROM attempt_logs WHERE job_id = $1 AND attempt = $2", lease.jobId(), lease.attempt())
        .rowCount()).isZero();
    assertThat(store.sql("SELECT 1 FROM artifacts WHERE job_id = $1", lease.jobId()).rowCount()).isZero();
    String sha = StoreFixture.sha256(content);
    assertThat(store.files("blobs").stream().filter(p -> p.getFileName().toString().equals(sha))).isEmpty();
    assertThat(store.files("tmp")).isEmpty();
  }

  static void assertStale(Response r, Lease lease) {
    assertThat(r.status()).as(r.body().toString()).isEqualTo(409);
    assertThat(r.error().getString("code")).isEqualTo("STALE_LEASE");
    assertThat(r.error().getBoolean("retryable")).isFalse();
    assertThat(r.error().getString("message")).contains(lease.jobId().toString(), "token " + lease.token());
    assertThat(r.headers().get("Retry-After")).isNull();
  }
}
