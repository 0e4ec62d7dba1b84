package dev.reach.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.artifacts.StoreFixture.Lease;
import dev.reach.artifacts.StoreFixture.Response;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.health.Lifecycle;
import dev.reach.shared.health.LifecycleState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store's lifecycle: what survives a restart (open logs are rebuilt from their files, seals
 * from their rows) and the graceful stop (draining, in-flight requests finish, then stopped).
 */
class StoreLifecycleTest {
  StoreFixture store;

  @AfterEach
  void stop() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void openAndSealedLogsAreRebuiltAfterARestart() throws Exception {
    store = StoreFixture.start(Map.of());
    Lease lease = store.lease();
    UUID job = lease.jobId();
    String base = "/v1/logs/" + job + "/1?token=" + lease.token() + "&offset=";
    store.post(base + "0", "abc");

    store.restart();
    assertThat(store.post(base + "0", "abc").json().getLong("size")).isEqualTo(3); // a retry, not written again
    Response gap = store.post(base + "10", "x");
    assertThat(gap.status()).isEqualTo(409);
    assertThat(gap.json().getLong("size")).isEqualTo(3);
    Response sealed = store.post(base + "3&seal=true", "def");
    assertThat(sealed.json().getString("sha256"))
        .isEqualTo(StoreFixture.sha256("abcdef".getBytes(StandardCharsets.UTF_8)));

    store.restart();
    assertThat(store.post(base + "3&seal=true", "def").json()).isEqualTo(sealed.json());
    assertThat(store.post(base + "6", "more").status()).isEqualTo(400);
    Response read = store.get("/v1/logs/" + job + "/1?offset=0");
    assertThat(read.body().toString()).isEqualTo("abcdef");
    assertThat(read.headers().get("Reach-Log-Sealed")).isEqualTo("true");
    assertThat(Files.readString(store.logFile(new LogKey(job, 1)))).isEqualTo("abcdef");
  }

  @Test
  void aTruncatedLogStaysTruncatedAfterARestart() throws Exception {
    store = StoreFixture.start(Map.of("REACH_LOG_MAX_BYTES", "1024"));
    Lease lease = store.lease();
    UUID job = lease.jobId();
    String base = "/v1/logs/" + job + "/1?token=" + lease.token() + "&offset=";
    Response first = store.post(base + "0", Buffer.buffer(new byte[1500]));
    assertThat(first.json().getBoolean("truncated")).isTrue();
    long size = first.json().getLong("size");

    store.restart();
    // bytes past the cap were dropped, so the exact count received is gone: later chunks are still accepted
    Response later = store.post(base + "1500", "tail");
    assertThat(later.status()).isEqualTo(200);
    assertThat(later.json().getBoolean("truncated")).isTrue();
    assertThat(later.json().getLong("size")).isEqualTo(size);
    Response sealed = store.post(base + "1504&seal=true", "");
    assertThat(sealed.json().getString("sha256"))
        .isEqualTo(StoreFixture.sha256(Files.readAllBytes(store.logFile(new LogKey(job, 1)))));

    // the sealing request retried after another restart gets the same seal
    store.restart();
    Response again = store.post(base + "1504&seal=true", "");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("sha256")).isEqualTo(sealed.json().getString("sha256"));
    assertThat(again.json().getBoolean("sealed")).isTrue();
  }

  @Test
  void theConfiguredArtifactUrlIsAnnounced() throws Exception {
    store = StoreFixture.start(Map.of("REACH_ARTIFACT_URL", "http://artifacts.example:9000/"));
    assertThat(store.request(Addresses.ARTIFACT_ENDPOINT, new JsonObject()).getString("url"))
        .isEqualTo("http://artifacts.example:9000");
    assertThat(store.service.baseUrl()).isEqualTo("http://artifacts.example:9000");
  }

  @Test
  void stopDrainsRefusesNewUploadsLetsTheInFlightOneFinishAndClosesIdleConnections() throws Exception {
    store = StoreFixture.start(Map.of("REACH_DRAIN_TIMEOUT_MS", "30000"));
    Lifecycle lifecycle = store.service.lifecycle();
    assertThat(lifecycle.state()).isEqualTo(LifecycleState.HEALTHY);
    Response ready = store.get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body().toString()).contains("lifecycle." + ArtifactStoreService.SERVICE);

    Lease lease = store.lease();
    HttpClientRequest upload = StoreFixture.await(store.http.request(new RequestOptions().setMethod(HttpMethod.PUT)
        .setHost("127.0.0.1").setPort(store.service.httpPort()).setURI(lease.artifactUri("big.bin"))));
    upload.setChunked(true);
    Future<Response> uploaded = upload.response()
        .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b)));
    StoreFixture.await(upload.write(Buffer.buffer(new byte[32 * 1024])));
    await().atMost(Duration.ofSeconds(10)).until(() -> !store.files("tmp").isEmpty());
    // a keep-alive connection that served one request and now idles
    Promise<Void> idleClosed = Promise.promise();
    HttpClientAgent keepAlive = store.vertx.httpClientBuilder()
        .withConnectHandler(conn -> conn.closeHandler(v -> idleClosed.tryComplete()))
        .build();
    int live = StoreFixture.await(keepAlive.request(HttpMethod.GET, store.service.httpPort(), "127.0.0.1", "/health/live")
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode()))));
    assertThat(live).isEqualTo(200);
    // and a connection that has not sent a request yet
    NetSocket silent = StoreFixture.await(store.vertx.createNetClient().connect(store.service.httpPort(), "127.0.0.1"));
    Promise<Void> silentClosed = Promise.promise();
    silent.closeHandler(v -> silentClosed.tryComplete());

    Future<Void> stopped = store.service.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> lifecycle.state() == LifecycleState.DRAINING);

    Response notReady = store.get("/health/ready");
    assertThat(notReady.status()).isEqualTo(503);
    assertThat(notReady.body().toString()).contains("DRAINING");
    Lease other = store.lease();
    Response refused = store.send(HttpMethod.PUT, other.artifactUri("late.txt"), Buffer.buffer("late"));
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.error().getString("code")).isEqualTo("SHUTTING_DOWN");
    assertThat(refused.error().getBoolean("retryable")).isTrue();
    assertThat(refused.headers().get("Retry-After")).isEqualTo("1");
    assertThat(store.sql("SELECT 1 FROM artifacts WHERE job_id = $1", other.jobId()).rowCount()).isZero();
    // log chunks of running jobs are still taken while the in-flight requests finish
    assertThat(store.post(other.logUri("offset=0"), "still running\n").status()).isEqualTo(200);
    assertThat(stopped.isComplete()).isFalse();

    StoreFixture.await(upload.end(Buffer.buffer("end")));
    Response done = StoreFixture.await(uploaded);
    assertThat(done.status()).as(done.body().toString()).isEqualTo(200);
    assertThat(done.json().getLong("size")).isEqualTo(32 * 1024 + 3);

    StoreFixture.await(stopped);
    assertThat(lifecycle.state()).isEqualTo(LifecycleState.STOPPED);
    StoreFixture.await(idleClosed.future());
    StoreFixture.await(silentClosed.future());
    assertThat(store.service.stop()).isSameAs(stopped);
  }
}
