package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.breaker.Breakers;
import dev.reach.shared.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's breaker in front of the orchestrator: requests it did not answer open it, after which
 * the hub answers {@code 503 ORCHESTRATOR_UNAVAILABLE} at once with the time left as retry hint and
 * sends nothing; "no handlers" and answered errors do not count.
 */
class DependencyBreakerRoutesTest {
  private HubFixture f;

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.close();
    }
  }

  private static JsonObject described(String name) {
    return Breakers.jvm().describe().stream().map(JsonObject.class::cast)
        .filter(b -> b.getString("name").equals(name)).reduce((a, b) -> b).orElseThrow();
  }

  @Test
  void anOrchestratorThatDoesNotAnswerOpensTheBreaker() {
    f = HubFixture.start(Map.of("REACH_REQUEST_TIMEOUT_MS", "200", "REACH_BREAKER_FAILURES", "2",
        "REACH_BREAKER_RESET_MS", "600000"));
    FakeOrchestrator orchestrator = new FakeOrchestrator(f.vertx).on(Addresses.LIST_RUNS, m -> null);

    assertThat(f.get("/api/v1/runs").error().getString("code")).isEqualTo("TIMEOUT");
    assertThat(f.get("/api/v1/runs").error().getString("code")).isEqualTo("TIMEOUT");
    HubFixture.HttpReply r = f.get("/api/v1/runs");

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.error().getString("code")).isEqualTo("ORCHESTRATOR_UNAVAILABLE");
    assertThat(r.error().getBoolean("retryable")).isTrue();
    assertThat(r.error().getLong("retry_after_ms")).isBetween(1L, 600_000L);
    assertThat(r.headers().get("Retry-After")).isNotNull();
    // the two that timed out were sent; that the stand-in's consumer has taken each in by the time
    // the hub's request timer fired is not up to the hub (its event loop may be a timeout behind)
    await().atMost(Duration.ofSeconds(2)).until(() -> orchestrator.received(Addresses.LIST_RUNS).size() >= 2);
    assertThat(orchestrator.received(Addresses.LIST_RUNS)).as("nothing sent while open").hasSize(2);
    JsonObject breaker = described("hub:orchestrator");
    assertThat(breaker.getString("state")).isEqualTo("OPEN");
    assertThat(breaker.getInteger("failure_threshold")).isEqualTo(2);
    assertThat(breaker.getInteger("success_threshold")).isEqualTo(2);
    assertThat(breaker.getLong("opened_at_ms")).isNotNull();
  }

  @Test
  void noHandlersAndAnsweredErrorsDoNotOpenIt() {
    f = HubFixture.start(Map.of("REACH_BREAKER_FAILURES", "2"));
    for (int i = 0; i < 4; i++) {
      assertThat(f.get("/api/v1/runs").error().getString("code")).isEqualTo("ORCHESTRATOR_UNAVAILABLE");
    }
    new FakeOrchestrator(f.vertx)
        .on(Addresses.LIST_RUNS, m -> new JsonObject().put("runs", new JsonArray()))
        .on(Addresses.GET_RUN, m -> {
          throw new dev.reach.shared.error.ReachException(dev.reach.shared.error.ErrorCode.RUN_NOT_FOUND, "no such run");
        });
    for (int i = 0; i < 4; i++) {
      assertThat(f.get("/api/v1/runs/" + RunViews.RUN_ID).status()).isEqualTo(404);
    }
    assertThat(f.get("/api/v1/runs").status()).as("served at once once the orchestrator is there").isEqualTo(200);
    assertThat(described("hub:orchestrator").getString("state")).isEqualTo("CLOSED");
  }

  @Test
  void aHubRestartingIntoAStillBrokenOrchestratorStartsWithItsBreakerOpen(@TempDir Path stateDir) {
    Map<String, String> env = Map.of("REACH_REQUEST_TIMEOUT_MS", "200", "REACH_BREAKER_FAILURES", "2",
        "REACH_BREAKER_RESET_MS", "600000", "REACH_STATE_DIR", stateDir.toString());
    f = HubFixture.start(env);
    new FakeOrchestrator(f.vertx).on(Addresses.LIST_RUNS, m -> null);
    f.get("/api/v1/runs");
    f.get("/api/v1/runs");
    long openedAt = described("hub:orchestrator").getLong("opened_at_ms");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(stateDir.resolve("breakers-hub.json"))
        .contains("\"OPEN\""));
    f.close();

    f = HubFixture.start(env);
    FakeOrchestrator stillBroken = new FakeOrchestrator(f.vertx).on(Addresses.LIST_RUNS, m -> null);
    HubFixture.HttpReply r = f.get("/api/v1/runs");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.error().getString("code")).isEqualTo("ORCHESTRATOR_UNAVAILABLE");
    assertThat(r.error().getLong("retry_after_ms")).isBetween(1L, 600_000L);
    JsonObject breaker = described("hub:orchestrator");
    assertThat(breaker.getString("state")).isEqualTo("OPEN");
    assertThat(breaker.getLong("opened_at_ms")).as("open since before the restart").isEqualTo(openedAt);
    assertThat(stillBroken.received(Addresses.LIST_RUNS)).as("the restarted hub sent the broken orchestrator nothing")
        .isEmpty();
    f.close();
    f = null;
    java.util.concurrent.CompletableFuture<Void> saved = new java.util.concurrent.CompletableFuture<>();
    dev.reach.shared.breaker.BreakerEvents.post(() -> saved.complete(null)); // the last save, before @TempDir goes
    HubFixture.await(io.vertx.core.Future.fromCompletionStage(saved));
  }

  @Test
  void theHubsBreakersLeaveTheRegistryWhenItStops() {
    f = HubFixture.start();
    assertThat(Breakers.jvm().all()).contains(f.hub.breakers().toArray(new dev.reach.shared.breaker.Breaker[0]));
    HubFixture.await(f.hub.stop());
    assertThat(Breakers.jvm().all()).doesNotContainAnyElementsOf(f.hub.breakers());
  }
}
