package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.Addresses;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ErrorContractTest {
  private HubFixture f;

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void noOrchestratorIs503RetryableWithARetryHint() {
    f = HubFixture.start();

    for (HubFixture.HttpReply r : new HubFixture.HttpReply[] {
        f.postJson("/api/v1/runs", SubmitRunTest.spec()),
        f.get("/api/v1/runs/" + RunViews.RUN_ID),
        f.get("/api/v1/runs"),
        f.get("/api/v1/runners")}) {
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.error().getString("code")).isEqualTo("ORCHESTRATOR_UNAVAILABLE");
      assertThat(r.error().getBoolean("retryable")).isTrue();
      assertThat(r.error().getLong("retry_after_ms")).isPositive();
      assertThat(r.headers().get("Retry-After")).isEqualTo("1");
    }
  }

  @Test
  void anOrchestratorThatDoesNotAnswerInTimeIsATimeout() {
    f = HubFixture.start(Map.of("REACH_REQUEST_TIMEOUT_MS", "200"));
    new FakeOrchestrator(f.vertx).on(Addresses.LIST_RUNNERS, m -> null);

    HubFixture.HttpReply r = f.get("/api/v1/runners");

    assertThat(r.status()).isEqualTo(504);
    assertThat(r.error().getString("code")).isEqualTo("TIMEOUT");
    assertThat(r.error().getBoolean("retryable")).isTrue();
    assertThat(r.headers().get("Retry-After")).isNotNull();
  }

  @Test
  void unknownRoutesAre404AndWrongMethods405() {
    f = HubFixture.start();

    HubFixture.HttpReply missing = f.get("/api/v2/nothing");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.error().getString("code")).isEqualTo("NOT_FOUND");
    assertThat(f.get("/nothing").error().getString("code")).isEqualTo("NOT_FOUND");

    HubFixture.HttpReply method = f.call(HttpMethod.DELETE, "/api/v1/runners");
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.error().getString("code")).isEqualTo("METHOD_NOT_ALLOWED");
    assertThat(f.call(HttpMethod.POST, "/api/v1/runners").status()).isEqualTo(405);
    assertThat(f.call(HttpMethod.PUT, "/api/v1/runs").error().getString("code")).isEqualTo("METHOD_NOT_ALLOWED");
  }

  @Test
  void anUnexpectedFailureIs500WithoutDetails() {
    f = HubFixture.start();
    new FakeOrchestrator(f.vertx).on(Addresses.LIST_RUNNERS, m -> "not an object: secret=hunter2");

    HubFixture.HttpReply r = f.get("/api/v1/runners");

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.error().getString("code")).isEqualTo("INTERNAL");
    assertThat(r.error().getBoolean("retryable")).isFalse();
    assertThat(r.text()).doesNotContain("hunter2").doesNotContain("Exception").doesNotContain("at dev.");
  }

  @Test
  void healthEndpointsAnswer() {
    f = HubFixture.start();

    assertThat(f.get("/health/live").status()).isEqualTo(200);
    HubFixture.HttpReply notReady = f.get("/health/ready");
    assertThat(notReady.status()).isEqualTo(503);
    assertThat(notReady.text()).contains("orchestrator");

    new FakeOrchestrator(f.vertx).onAllAddresses();
    HubFixture.HttpReply ready = f.get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("UP");
  }

  @Test
  void theStartPageIsServed() {
    f = HubFixture.start();

    HubFixture.HttpReply r = f.get("/");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).startsWith("text/html");
    assertThat(r.text()).contains("/ui/app.js"); // the dashboard
  }

  @Test
  void stopClosesTheServerAndRemovesTheReadinessCheck() {
    f = HubFixture.start();
    new FakeOrchestrator(f.vertx).onAllAddresses();

    HubFixture.await(f.hub.stop());

    JsonObject checks = HubFixture.await(f.node.health().ready().checkStatus()).toJson();
    assertThat(checks.encode()).doesNotContain("orchestrator");
  }
}
