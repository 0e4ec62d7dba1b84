package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.bus.Addresses;
import dev.reach.shared.health.Lifecycle;
import dev.reach.shared.health.LifecycleState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's lifecycle: HEALTHY once started; a stop drains — not ready, new work answered
 * 503 SHUTTING_DOWN with Retry-After, reads and in-flight requests still answered, followed logs
 * ended — then closes its connections and is STOPPED.
 */
class HubLifecycleTest {
  private HubFixture f;
  private FakeOrchestrator orchestrator;

  @BeforeEach
  void setUp() {
    f = HubFixture.start(Map.of("REACH_DRAIN_TIMEOUT_MS", "30000"));
    orchestrator = new FakeOrchestrator(f.vertx).onAllAddresses()
        .on(Addresses.SUBMIT_RUN, m -> new JsonObject().put("id", RunViews.RUN_ID).put("created", true))
        .on(Addresses.CANCEL_RUN, m -> new JsonObject())
        .on(Addresses.REQUEUE_DEAD_LETTER, m -> new JsonObject());
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void startsHealthyAndReady() {
    assertThat(f.hub.lifecycle().state()).isEqualTo(LifecycleState.HEALTHY);
    HubFixture.HttpReply ready = f.get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.text()).contains("lifecycle." + HubService.SERVICE, "HEALTHY");
  }

  @Test
  void stopDrainsRefusesNewWorkLetsTheInFlightRequestFinishAndClosesIdleConnections() throws Exception {
    Lifecycle lifecycle = f.hub.lifecycle();
    orchestrator.on(Addresses.GET_RUN, m -> null); // answered by the test, later
    CompletableFuture<HubFixture.HttpReply> inFlight =
        CompletableFuture.supplyAsync(() -> f.get("/api/v1/runs/" + RunViews.RUN_ID));
    await().atMost(Duration.ofSeconds(10)).until(() -> !orchestrator.unanswered(Addresses.GET_RUN).isEmpty());
    Promise<Void> idleClosed = Promise.promise();
    HttpClientAgent keepAlive = f.vertx.httpClientBuilder()
        .withConnectHandler(conn -> conn.closeHandler(v -> idleClosed.tryComplete()))
        .build();
    int live = HubFixture.await(keepAlive.request(HttpMethod.GET, f.hub.httpPort(), "127.0.0.1", "/health/live")
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode()))));
    assertThat(live).isEqualTo(200);

    Future<Void> stopped = f.hub.stop();
    assertThat(lifecycle.state()).isEqualTo(LifecycleState.DRAINING);

    HubFixture.HttpReply notReady = whileDraining("GET /health/ready", () -> f.get("/health/ready"));
    assertThat(notReady.status()).isEqualTo(503);
    assertThat(notReady.text()).contains("DRAINING");
    for (HubFixture.HttpReply r : new HubFixture.HttpReply[] {
        whileDraining("POST /api/v1/runs", () -> f.postJson("/api/v1/runs", SubmitRunTest.spec())),
        whileDraining("POST cancel", () -> f.call(HttpMethod.POST, "/api/v1/runs/" + RunViews.RUN_ID + "/cancel")),
        whileDraining("POST requeue",
            () -> f.call(HttpMethod.POST, "/api/v1/dead-letters/" + RunViews.JOB_ID + "/requeue"))}) {
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.error().getString("code")).isEqualTo("SHUTTING_DOWN");
      assertThat(r.error().getBoolean("retryable")).isTrue();
      assertThat(r.headers().get("Retry-After")).isEqualTo("1");
    }
    assertThat(orchestrator.received(Addresses.SUBMIT_RUN)).isEmpty();
    assertThat(orchestrator.received(Addresses.CANCEL_RUN)).isEmpty();
    assertThat(orchestrator.received(Addresses.REQUEUE_DEAD_LETTER)).isEmpty();
    assertThat(whileDraining("GET /api/v1/runners", () -> f.get("/api/v1/runners")).status())
        .isEqualTo(200); // reads are still served
    assertThat(stopped.isComplete()).isFalse();

    JsonObject view = RunViews.run("RUNNING", "RUNNING");
    orchestrator.unanswered(Addresses.GET_RUN).get(0).reply(view);
    HubFixture.HttpReply answered = inFlight.get(HubFixture.WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(answered.status()).isEqualTo(200);
    assertThat(answered.json().getString("id")).isEqualTo(RunViews.RUN_ID);

    HubFixture.await(stopped);
    assertThat(lifecycle.state()).isEqualTo(LifecycleState.STOPPED);
    HubFixture.await(idleClosed.future());
    assertThat(f.hub.stop()).isSameAs(stopped);
  }

  /** A request made while the hub drains; a failure names it. */
  private static HubFixture.HttpReply whileDraining(String request, java.util.function.Supplier<HubFixture.HttpReply> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw new AssertionError(request + " while the hub drains failed: " + e, e);
    }
  }

  @Test
  void aFollowedLogEndsWhenTheHubDrainsSoTheStopIsNotHeldUp() {
    orchestrator.on(Addresses.GET_RUN, m -> RunViews.run("RUNNING", "RUNNING"));
    FakeLogStore store = FakeLogStore.of(f.vertx, RunViews.JOB_ID, 1, 1 << 16).append("working\n");
    StreamedBody body = HubFixture.await(StreamedBody.open(f,
        "/api/v1/runs/" + RunViews.RUN_ID + "/jobs/build/log?follow=true"));
    HubFixture.await(body.contains("working\n"));

    long started = System.nanoTime();
    HubFixture.await(f.hub.stop());

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(10)).until(() -> body.ended().isComplete());
    assertThat(body.ended().failed()).isTrue(); // cut off, never ended as if complete
    assertThat(f.hub.lifecycle().state()).isEqualTo(LifecycleState.STOPPED);
    assertThat(store.reads).isNotEmpty();
  }
}
