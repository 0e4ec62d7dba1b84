package dev.reach.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.artifacts.StoreFixture.Lease;
import dev.reach.artifacts.StoreFixture.Response;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Attempt logs over HTTP: append by offset, retries and gaps, reads while growing, seal, cap. */
class LogApiTest {
  static final int CAP = 4096;
  static final int MAX_CHUNK = 8192;
  static StoreFixture store;

  @BeforeAll
  static void start() throws Exception {
    store = StoreFixture.start(Map.of(
        "REACH_LOG_MAX_BYTES", Integer.toString(CAP), "REACH_MAX_BODY_BYTES", Integer.toString(MAX_CHUNK)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  static String logUri(UUID job, int attempt, String query) {
    return "/v1/logs/" + job + "/" + attempt + (query.isEmpty() ? "" : "?" + query);
  }

  @Test
  void appendsByOffsetIgnoresRetriedChunksAndRefusesGaps() throws Exception {
    Lease lease = store.lease();
    UUID job = lease.jobId();
    Response first = store.post(logUri(job, 1, "token=" + lease.token() + "&offset=0"), "hello ");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json()).isEqualTo(new JsonObject()
        .put("received", 6).put("size", 6).put("truncated", false).put("sealed", false));

    Response second = store.post(logUri(job, 1, "token=" + lease.token() + "&offset=6"), "world");
    assertThat(second.json().getLong("received")).isEqualTo(11);

    // the runner did not see the answer and sends the first chunk again: accepted, not written twice
    Response retry = store.post(logUri(job, 1, "token=" + lease.token() + "&offset=0"), "hello ");
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.json().getLong("size")).isEqualTo(11);

    // a chunk overlapping the end keeps only its new bytes
    Response overlap = store.post(logUri(job, 1, "token=" + lease.token() + "&offset=9"), "ld!");
    assertThat(overlap.json().getLong("size")).isEqualTo(12);

    Response gap = store.post(logUri(job, 1, "token=" + lease.token() + "&offset=20"), "lost");
    assertThat(gap.status()).isEqualTo(409);
    assertThat(gap.error().getString("code")).isEqualTo("LOG_OFFSET_MISMATCH");
    assertThat(gap.error().getString("message")).contains("12");
    assertThat(gap.json().getLong("size")).isEqualTo(12);

    assertThat(Files.readString(store.logFile(new LogKey(job, 1)))).isEqualTo("hello world!");
  }

  @Test
  void concurrentCopiesOfOneChunkAreStoredOnce() throws Exception {
    Lease lease = store.lease();
    UUID job = lease.jobId();
    String uri = logUri(job, 1, "token=" + lease.token() + "&offset=0");
    Future<Response> a = store.sendAsync(HttpMethod.POST, uri, Buffer.buffer("line 1\n"));
    Future<Response> b = store.sendAsync(HttpMethod.POST, uri, Buffer.buffer("line 1\n"));
    assertThat(StoreFixture.await(a).status()).isEqualTo(200);
    assertThat(StoreFixture.await(b).status()).isEqualTo(200);
    assertThat(Files.readString(store.logFile(new LogKey(job, 1)))).isEqualTo("line 1\n");
  }

  @Test
  void readsByOffsetWhileTheLogGrows() throws Exception {
    Lease lease = store.lease(2);
    UUID job = lease.jobId();
    assertThat(store.get(logUri(job, 2, "offset=0")).error().getString("code")).isEqualTo("LOG_NOT_FOUND");
    assertThat(store.get(logUri(job, 2, "")).status()).isEqualTo(404);

    store.post(logUri(job, 2, "token=" + lease.token() + "&offset=0"), "hello ");
    Response r1 = store.get(logUri(job, 2, "offset=0"));
    assertThat(r1.status()).isEqualTo(200);
    assertThat(r1.body().toString()).isEqualTo("hello ");
    assertThat(r1.headers().get("Reach-Log-Size")).isEqualTo("6");
    assertThat(r1.headers().get("Reach-Log-Sealed")).isEqualTo("false");

    store.post(logUri(job, 2, "token=" + lease.token() + "&offset=6"), "world");
    Response r2 = store.get(logUri(job, 2, "offset=6"));
    assertThat(r2.body().toString()).isEqualTo("world");
    assertThat(r2.headers().get("Reach-Log-Size")).isEqualTo("11");

    assertThat(store.get(logUri(job, 2, "offset=2&max=3")).body().toString()).isEqualTo("llo");
    Response past = store.get(logUri(job, 2, "offset=100"));
    assertThat(past.status()).isEqualTo(200);
    assertThat(past.body().length()).isZero();
    assertThat(past.headers().get("Reach-Log-Size")).isEqualTo("11");

    store.post(logUri(job, 2, "token=" + lease.token() + "&offset=11&seal=true"), "");
    assertThat(store.get(logUri(job, 2, "offset=0")).headers().get("Reach-Log-Sealed")).isEqualTo("true");
  }

  @Test
  void sealComputesSha256StoresMetadataAndIsIdempotent() throws Exception {
    Lease lease = store.lease();
    UUID job = lease.jobId();
    byte[] first = "building...\n".getBytes(StandardCharsets.UTF_8);
    byte[] rest = "done\n".getBytes(StandardCharsets.UTF_8);
    store.post(logUri(job, 1, "token=" + lease.token() + "&offset=0"), Buffer.buffer(first));
    Response sealed = store.post(logUri(job, 1, "token=" + lease.token() + "&offset=" + first.length + "&seal=true"), Buffer.buffer(rest));

    byte[] all = (new String(first, StandardCharsets.UTF_8) + new String(rest, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
    String sha = StoreFixture.sha256(all);
    assertThat(sealed.status()).isEqualTo(200);
    assertThat(sealed.json()).isEqualTo(new JsonObject().put("received", all.length).put("size", all.length)
        .put("truncated", false).put("sealed", true).put("sha256", sha));

    Row row = store.sql("SELECT token, size, sha256, truncated FROM attempt_logs WHERE job_id = $1 AND attempt = $2",
        job, 1).iterator().next();
    assertThat(row.getLong("token")).isEqualTo(lease.token());
    assertThat(row.getLong("size")).isEqualTo((long) all.length);
    assertThat(row.getString("sha256")).isEqualTo(sha);
    assertThat(row.getBoolean("truncated")).isFalse();

    // the same sealing request again, and an empty seal at the end: same answer
    Response again = store.post(logUri(job, 1, "token=" + lease.token() + "&offset=" + first.length + "&seal=true"), Buffer.buffer(rest));
    assertThat(again.json()).isEqualTo(sealed.json());
    assertThat(store.post(logUri(job, 1, "token=" + lease.token() + "&offset=" + all.length + "&seal=true"), "").json())
        .isEqualTo(sealed.json());

    Response late = store.post(logUri(job, 1, "token=" + lease.token() + "&offset=" + all.length), "late");
    assertThat(late.status()).isEqualTo(400);
    assertThat(late.error().getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(late.error().getString("message")).contains("sealed");
  }

  @Test
  void aWholeShortLogIsOneRequestAndTwoDatabaseRoundTrips() throws Exception {
    Lease lease = store.lease();
    long before = store.service.db().roundTrips();
    Response r = store.post(lease.logUri("offset=0&seal=true"), "ok\n");
    // the lease check before the bytes are written, then the seal (fenced in its own statement)
    assertThat(store.service.db().roundTrips() - before).isEqualTo(2);
    assertThat(r.json().getString("sha256")).isEqualTo(StoreFixture.sha256("ok\n".getBytes(StandardCharsets.UTF_8)));

    Lease empty = store.lease();
    Response e = store.post(empty.logUri("offset=0&seal=true"), "");
    assertThat(e.json().getString("sha256")).isEqualTo(StoreFixture.sha256(new byte[0]));
    assertThat(store.get(logUri(empty.jobId(), 1, "")).headers().get("Reach-Log-Sealed")).isEqualTo("true");
  }

  @Test
  void aFinalSealWithoutNewBytesIsOneRoundTripItsFencedSeal() throws Exception {
    Lease lease = store.lease();
    store.post(lease.logUri("offset=0"), "all the output\n");
    long before = store.service.db().roundTrips();
    Response sealed = store.post(lease.logUri("offset=15&seal=true"), "");
    assertThat(sealed.json().getBoolean("sealed")).isTrue();
    assertThat(store.service.db().roundTrips() - before).isEqualTo(1);
  }

  @Test
  void theCapWritesOneMarkerAndLaterBytesAreCountedButDropped() throws Exception {
    Lease lease = store.lease();
    UUID job = lease.jobId();
    byte[] data = new byte[CAP + 1000];
    Arrays.fill(data, (byte) 'x');
    byte[] marker = ("\n[reach: log truncated at " + CAP + " bytes]\n").getBytes(StandardCharsets.US_ASCII);

    Response a = store.post(logUri(job, 1, "token=" + lease.token() + "&offset=0"), Buffer.buffer(Arrays.copyOfRange(data, 0, 4000)));
    assertThat(a.json().getBoolean("truncated")).isFalse();
    Response b = store.post(logUri(job, 1, "token=" + lease.token() + "&offset=4000"), Buffer.buffer(Arrays.copyOfRange(data, 4000, 4500)));
    assertThat(b.status()).isEqualTo(200);
    assertThat(b.json()).isEqualTo(new JsonObject().put("received", 4500).put("size", CAP + marker.length)
        .put("truncated", true).put("sealed", false));
    Response c = store.post(logUri(job, 1, "token=" + lease.token() + "&offset=4500"), Buffer.buffer(Arrays.copyOfRange(data, 4500, data.length)));
    assertThat(c.status()).isEqualTo(200);
    assertThat(c.json().getLong("received")).isEqualTo(data.length);
    assertThat(c.json().getLong("size")).isEqualTo(CAP + marker.length);

    byte[] stored = Files.readAllBytes(store.logFile(new LogKey(job, 1)));
    byte[] expected = new byte[CAP + marker.length];
    System.arraycopy(data, 0, expected, 0, CAP);
    System.arraycopy(marker, 0, expected, CAP, marker.length);
    assertThat(stored).isEqualTo(expected);
    assertThat(new String(stored, StandardCharsets.US_ASCII).split("log truncated", -1)).hasSize(2);

    Response sealed = store.post(logUri(job, 1, "token=" + lease.token() + "&offset=" + data.length + "&seal=true"), "");
    assertThat(sealed.json().getBoolean("truncated")).isTrue();
    assertThat(sealed.json().getString("sha256")).isEqualTo(StoreFixture.sha256(expected));
    assertThat(store.sql("SELECT truncated FROM attempt_logs WHERE job_id = $1", job).iterator().next()
        .getBoolean("truncated")).isTrue();
  }

  @Test
  void aChunkOverTheBodyLimitIs413AndNothingIsWritten() throws Exception {
    UUID job = UUID.randomUUID();
    Response r = store.post(logUri(job, 1, "token=1&offset=0"), Buffer.buffer(new byte[MAX_CHUNK + 1]));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.error().getString("code")).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(store.get(logUri(job, 1, "")).status()).isEqualTo(404);
  }

  @Test
  void aChunkIsRawBytesWhateverItsContentType() throws Exception {
    Lease lease = store.lease();
    UUID job = lease.jobId();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(store.service.httpPort()).setURI(logUri(job, 1, "token=" + lease.token() + "&offset=0"))
        .putHeader("Content-Type", "application/x-www-form-urlencoded");
    int status = StoreFixture.await(store.http.request(options)
        .compose(req -> req.send("seal=true&offset=99"))
        .map(HttpClientResponse::statusCode));
    assertThat(status).isEqualTo(200);
    Response read = store.get(logUri(job, 1, ""));
    assertThat(read.body().toString()).isEqualTo("seal=true&offset=99");
    assertThat(read.headers().get("Reach-Log-Sealed")).isEqualTo("false");
  }

  @Test
  void badIdsAndParametersAreRefusedNamingTheField() throws Exception {
    UUID job = UUID.randomUUID();
    assertField(store.post("/v1/logs/not-a-uuid/1?token=1&offset=0", "x"), "job_id");
    assertField(store.post(logUri(job, 0, "token=1&offset=0"), "x"), "attempt");
    assertField(store.post("/v1/logs/" + job + "/-1?token=1&offset=0", "x"), "attempt");
    assertField(store.post(logUri(job, 1, "offset=0"), "x"), "token");
    assertField(store.post(logUri(job, 1, "token=1"), "x"), "offset");
    assertField(store.post(logUri(job, 1, "token=1&offset=-3"), "x"), "offset");
    assertField(store.post(logUri(job, 1, "token=1&offset=0&seal=yes"), "x"), "seal");
    assertField(store.get("/v1/logs/" + job + "/x"), "attempt");
    assertThat(store.get(logUri(job, 1, "")).status()).isEqualTo(404); // nothing was written by the refused requests
  }

  @Test
  void unknownRoutesAnswerInTheErrorContract() throws Exception {
    Response r = store.get("/v1/nothing-here");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error().getString("code")).isEqualTo("NOT_FOUND");
    assertThat(r.error().getBoolean("retryable")).isFalse();
  }

  @Test
  void healthRoutesAreMountedWithDatabaseAndDiskChecks() throws Exception {
    Response ready = store.get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body().toString()).contains(ArtifactStoreService.DB_CHECK, ArtifactStoreService.DISK_CHECK);
    assertThat(store.get("/health/live").status()).isEqualTo(200);
  }

  private static void assertField(Response r, String field) {
    assertThat(r.status()).as(r.body().toString()).isEqualTo(400);
    assertThat(r.error().getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(r.error().getString("field")).isEqualTo(field);
  }
}
