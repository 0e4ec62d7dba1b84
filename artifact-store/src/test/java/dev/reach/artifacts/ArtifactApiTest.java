package dev.reach.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.artifacts.StoreFixture.Lease;
import dev.reach.artifacts.StoreFixture.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Artifact files over HTTP: streaming upload, content addressing, download, listing, validation, size limit. */
class ArtifactApiTest {
  static final int MAX = 4 * 1024 * 1024;
  static StoreFixture store;

  @BeforeAll
  static void start() throws Exception {
    store = StoreFixture.start(Map.of("REACH_ARTIFACT_MAX_BYTES", Integer.toString(MAX)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  static String uri(UUID job, int attempt, String path) {
    return "/v1/artifacts/" + job + "/" + attempt + "/" + path;
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void streamsALargeUploadToItsContentAddressAndBack() throws Exception {
    Lease lease = store.lease();
    UUID job = lease.jobId();
    byte[] content = random(3 * 1024 * 1024 + 17, 1);
    Path source = Files.createTempFile("reach-upload", ".bin");
    try {
      Files.write(source, content);
      Response put = store.putFileChunked(uri(job, 1, "out/report.bin") + "?token=" + lease.token(), source);
      String sha = StoreFixture.sha256(content);
      assertThat(put.status()).as(put.body().toString()).isEqualTo(200);
      assertThat(put.json()).isEqualTo(new JsonObject().put("path", "out/report.bin").put("sha256", sha)
          .put("size", content.length));

      Path blob = store.dir.resolve("blobs/sha256").resolve(sha.substring(0, 2)).resolve(sha);
      assertThat(blob).exists();
      assertThat(Files.readAllBytes(blob)).isEqualTo(content);
      assertThat(store.files("tmp")).isEmpty();

      Response get = store.get(uri(job, 1, "out/report.bin"));
      assertThat(get.status()).isEqualTo(200);
      assertThat(get.body().getBytes()).isEqualTo(content);
      assertThat(get.headers().get("Reach-Artifact-Sha256")).isEqualTo(sha);

      assertThat(store.sql("SELECT token, size, sha256 FROM artifacts WHERE job_id = $1 AND attempt = $2 AND path = $3",
          job, 1, "out/report.bin").iterator().next().getLong("token")).isEqualTo(lease.token());
    } finally {
      Files.deleteIfExists(source);
    }
  }

  @Test
  void identicalContentIsStoredOnce() throws Exception {
    byte[] content = "same bytes\n".getBytes(StandardCharsets.UTF_8);
    String sha = StoreFixture.sha256(content);
    Lease leaseA = store.lease();
    UUID a = leaseA.jobId();
    Lease leaseB = store.lease(3);
    UUID b = leaseB.jobId();
    Response first = store.send(HttpMethod.PUT, uri(a, 1, "a.txt?token=" + leaseA.token()), Buffer.buffer(content));
    Response second = store.send(HttpMethod.PUT, uri(b, 3, "dir/b.txt?token=" + leaseB.token()), Buffer.buffer(content));
    assertThat(first.json().getString("sha256")).isEqualTo(sha);
    assertThat(second.json().getString("sha256")).isEqualTo(sha);

    assertThat(store.files("blobs").stream().filter(p -> p.getFileName().toString().equals(sha))).hasSize(1);
    assertThat(store.files("tmp")).isEmpty();
    assertThat(store.get(uri(a, 1, "a.txt")).body().getBytes()).isEqualTo(content);
    assertThat(store.get(uri(b, 3, "dir/b.txt")).body().getBytes()).isEqualTo(content);
  }

  @Test
  void listsTheLogAndFilesOfAnAttemptAndUpsertsOnTheSamePath() throws Exception {
    Lease lease = store.lease();
    UUID job = lease.jobId();
    Response none = store.get("/v1/artifacts/" + job + "/1");
    assertThat(none.json()).isEqualTo(new JsonObject().putNull("log").put("files", new JsonArray()));

    store.send(HttpMethod.PUT, uri(job, 1, "b.txt?token=" + lease.token()), Buffer.buffer("old"));
    store.send(HttpMethod.PUT, uri(job, 1, "b.txt?token=" + lease.token()), Buffer.buffer("new!"));
    store.send(HttpMethod.PUT, uri(job, 1, "a.txt?token=" + lease.token()), Buffer.buffer(""));
    store.post("/v1/logs/" + job + "/1?token=" + lease.token() + "&offset=0", "running\n");

    JsonObject open = store.get("/v1/artifacts/" + job + "/1").json();
    assertThat(open.getJsonObject("log")).isEqualTo(new JsonObject().put("size", 8).putNull("sha256")
        .put("truncated", false).put("sealed", false));
    assertThat(open.getJsonArray("files")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("path", "a.txt").put("sha256", StoreFixture.sha256(new byte[0])).put("size", 0))
        .add(new JsonObject().put("path", "b.txt").put("sha256", StoreFixture.sha256("new!".getBytes(StandardCharsets.UTF_8)))
            .put("size", 4)));
    assertThat(store.get(uri(job, 1, "b.txt")).body().toString()).isEqualTo("new!");

    store.post("/v1/logs/" + job + "/1?token=" + lease.token() + "&offset=8&seal=true", "");
    JsonObject sealed = store.get("/v1/artifacts/" + job + "/1").json();
    assertThat(sealed.getJsonObject("log").getBoolean("sealed")).isTrue();
    assertThat(sealed.getJsonObject("log").getString("sha256"))
        .isEqualTo(StoreFixture.sha256("running\n".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void badNamesAreRefusedNamingPath() throws Exception {
    UUID job = UUID.randomUUID();
    for (String bad : new String[] {"../x", "/abs", "a/../b", "%2e%2e/x", "a//b", "a%5Cb", "a%00b", "%zz"}) {
      Response r = store.send(HttpMethod.PUT, uri(job, 1, bad) + "?token=1", Buffer.buffer("x"));
      assertThat(r.status()).as(bad + ": " + r.body()).isEqualTo(400);
      assertThat(r.error().getString("code")).isEqualTo("INVALID_REQUEST");
      assertThat(r.error().getString("field")).as(bad).isEqualTo("path");
    }
    assertThat(store.get(uri(job, 1, "../x")).error().getString("field")).isEqualTo("path");
    assertThat(store.get("/v1/artifacts/" + job + "/1").json().getJsonArray("files")).isEmpty();
    assertThat(store.files("tmp")).isEmpty();
  }

  @Test
  void badIdsAreRefusedNamingTheField() throws Exception {
    Response job = store.send(HttpMethod.PUT, "/v1/artifacts/nope/1/x?token=1", Buffer.buffer("x"));
    assertThat(job.status()).isEqualTo(400);
    assertThat(job.error().getString("field")).isEqualTo("job_id");
    Response attempt = store.get("/v1/artifacts/" + UUID.randomUUID() + "/0");
    assertThat(attempt.status()).isEqualTo(400);
    assertThat(attempt.error().getString("field")).isEqualTo("attempt");
    Response token = store.send(HttpMethod.PUT, uri(UUID.randomUUID(), 1, "x"), Buffer.buffer("x"));
    assertThat(token.error().getString("field")).isEqualTo("token");
  }

  @Test
  void unknownArtifactIs404() throws Exception {
    Response r = store.get(uri(UUID.randomUUID(), 1, "missing.txt"));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error().getString("code")).isEqualTo("NOT_FOUND");
  }

  @Test
  void oversizeStreamingUploadIs413AndLeavesNoTempFile() throws Exception {
    Lease lease = store.lease();
    UUID job = lease.jobId();
    Path source = Files.createTempFile("reach-upload", ".bin");
    try {
      Files.write(source, random(MAX + 512 * 1024, 2));
      Response r = store.putFileChunked(uri(job, 1, "big.bin") + "?token=" + lease.token(), source);
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.error().getString("code")).isEqualTo("PAYLOAD_TOO_LARGE");
      assertThat(store.files("tmp")).isEmpty();
      assertThat(store.get(uri(job, 1, "big.bin")).status()).isEqualTo(404);
    } finally {
      Files.deleteIfExists(source);
    }
  }

  @Test
  void aClientThatGoesAwayMidUploadLeavesNoTempFile() throws Exception {
    Lease lease = store.lease();
    UUID job = lease.jobId();
    HttpClientRequest req = StoreFixture.await(store.http.request(new RequestOptions().setMethod(HttpMethod.PUT)
        .setHost("127.0.0.1").setPort(store.service.httpPort()).setURI(uri(job, 1, "partial.bin?token=" + lease.token()))));
    req.setChunked(true);
    StoreFixture.await(req.write(Buffer.buffer(random(256 * 1024, 3))));
    await().atMost(Duration.ofSeconds(10)).until(() -> !store.files("tmp").isEmpty());
    req.reset();
    await().atMost(Duration.ofSeconds(10)).until(() -> store.files("tmp").isEmpty());
    assertThat(store.get(uri(job, 1, "partial.bin")).status()).isEqualTo(404);
  }

  @Test
  void oversizeDeclaredUploadIs413BeforeReading() throws Exception {
    Response r = store.send(HttpMethod.PUT, uri(UUID.randomUUID(), 1, "big.bin?token=1"), Buffer.buffer(new byte[MAX + 1]));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.error().getString("code")).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(store.files("tmp")).isEmpty();
    // the connection is still usable afterwards
    assertThat(store.get("/health/live").status()).isEqualTo(200);
  }
}
