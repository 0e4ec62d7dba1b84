package dev.reach.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.artifacts.StoreFixture.Response;
import dev.reach.shared.bus.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What survives a restart of the store: open logs are rebuilt from their files, seals from their rows. */
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
    UUID job = UUID.randomUUID();
    String base = "/v1/logs/" + job + "/1?token=3&offset=";
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
    UUID job = UUID.randomUUID();
    String base = "/v1/logs/" + job + "/1?token=3&offset=";
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
}
