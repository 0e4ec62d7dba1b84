package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * During a database outage the orchestrator fails every call with {@code DB_UNAVAILABLE} (or
 * {@code DB_CIRCUIT_OPEN} while its breaker is open) and a retry hint: every route of the hub
 * passes the code through as 503 with {@code retry_after_ms} and a {@code Retry-After} header.
 */
class DatabaseErrorTest {
  static final List<String> ADDRESSES = List.of(Addresses.SUBMIT_RUN, Addresses.GET_RUN, Addresses.LIST_RUNS,
      Addresses.CANCEL_RUN, Addresses.LIST_RUNNERS, Addresses.LIST_DEAD_LETTERS, Addresses.GET_DEAD_LETTER,
      Addresses.REQUEUE_DEAD_LETTER);

  private HubFixture f;

  @BeforeEach
  void setUp() {
    f = HubFixture.start();
    // The node directory publishes the hub's summary every few seconds, and its readiness check asks
    // the orchestrator for its runners: a call no route made, which a slow run sees among the ones
    // counted below. This test is about the routes; readiness has its own tests (HubLifecycleTest).
    ReadinessChecks.unregister(f.node);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private List<HubFixture.HttpReply> everyRoute() {
    String run = "/api/v1/runs/" + RunViews.RUN_ID;
    String letter = "/api/v1/dead-letters/" + RunViews.JOB_ID;
    return List.of(
        f.postJson("/api/v1/runs", SubmitRunTest.spec()),
        f.get(run),
        f.get("/api/v1/runs"),
        f.call(HttpMethod.POST, run + "/cancel"),
        f.get(run + "/jobs/build/log"),
        f.get("/api/v1/runners"),
        f.get("/api/v1/dead-letters"),
        f.get(letter),
        f.call(HttpMethod.POST, letter + "/requeue"));
  }

  @ParameterizedTest
  @EnumSource(value = ErrorCode.class, names = {"DB_UNAVAILABLE", "DB_CIRCUIT_OPEN"})
  void everyRoutePassesTheCodeAndRetryHintThrough(ErrorCode code) {
    FakeOrchestrator orchestrator = new FakeOrchestrator(f.vertx);
    Function<io.vertx.core.json.JsonObject, Object> outage = m -> {
      throw new ReachException(code, "database unavailable, retry later", null, 2_500, null);
    };
    ADDRESSES.forEach(a -> orchestrator.on(a, outage));

    List<HubFixture.HttpReply> replies = everyRoute();

    for (int i = 0; i < replies.size(); i++) {
      HubFixture.HttpReply r = replies.get(i);
      assertThat(r.status()).as("route %d: %s", i, r.text()).isEqualTo(503);
      assertThat(r.error().getString("code")).as("route %d", i).isEqualTo(code.name());
      assertThat(r.error().getBoolean("retryable")).as("route %d", i).isTrue();
      assertThat(r.error().getLong("retry_after_ms")).as("route %d", i).isEqualTo(2_500L);
      assertThat(r.headers().get("Retry-After")).as("route %d", i).isEqualTo("3");
    }
    assertThat(orchestrator.receivedTotal()).isEqualTo(replies.size());
  }
}
