package dev.reach.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.alert.AlertKeys;
import dev.reach.shared.alert.AlertState;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The artifact store's /metrics over HTTP and its disk-pressure alert. */
class StoreSignalsTest {
  private StoreFixture store;

  @AfterEach
  void stop() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void metricsAreServedOnTheStoresOwnPort() throws Exception {
    store = StoreFixture.start(Map.of());
    StoreFixture.Response r = store.get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).startsWith("text/plain; version=0.0.4");
    assertThat(r.body().toString())
        .contains("reach_breaker_state{name=\"database\",service=\"artifact-store\"} 0.0")
        .contains("reach_db_query_seconds_count");
  }

  @Test
  void freeSpaceUnderTheMinimumIsAlertedAsDiskPressure() throws Exception {
    // no disk here has a petabyte free: every check is low
    store = StoreFixture.start(Map.of("REACH_ARTIFACT_MIN_FREE_DISK_BYTES", String.valueOf(1L << 50),
        "REACH_ALERT_WARNING_FAILURES", "2"));
    store.service.stop().toCompletionStage().toCompletableFuture().get();
    store.service = StoreFixture.await(ArtifactStoreService.deploy(store.node, 50));

    await().atMost(Duration.ofSeconds(10)).until(() -> {
      AlertState s = store.service.alerts().state(AlertKeys.DISK_PRESSURE);
      return s != null && s.sentCount() >= 1;
    });
    assertThat(store.service.alerts().state(AlertKeys.DISK_PRESSURE).lastMessage())
        .contains("REACH_ARTIFACT_MIN_FREE_DISK_BYTES");
  }
}
