package dev.reach.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.alert.AlertKeys;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.ClaimResponse;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.health.HealthHttpServer;
import dev.reach.shared.health.HealthRegistry;
import dev.reach.shared.job.EndReason;
import dev.reach.shared.metrics.VertxMetricsSetup;
import dev.reach.shared.node.ReachNode;
import dev.reach.shared.testing.PostgresFixture;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real orchestrator (embedded Postgres, Vert.x with metrics) behind the health server that
 * {@code reachctl service orchestrator} starts: {@code /metrics} scraped over HTTP while a runner's
 * protocol is played on the event bus, and the alert webhook received by a local HTTP server.
 */
class OrchestratorSignalsTest {
  private static final String JOIN_TOKEN = "signals-test-join-token-0123";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path stateDir;

  private final Vertx vertx = VertxMetricsSetup.vertx();
  private final List<JsonObject> webhook = new CopyOnWriteArrayList<>();
  private OrchestratorService orchestrator;
  private int port;

  @AfterEach
  void tearDown() {
    if (orchestrator != null) {
      orchestrator.stop().await();
    }
    vertx.close().await();
  }

  private void start() {
    HttpServer receiver = vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(b -> {
          webhook.add(b.toJsonObject());
          req.response().setStatusCode(204).end();
        }))
        .listen(0, "127.0.0.1").await();
    ReachConfig cfg = PostgresFixture.config(Map.of(
        "REACH_STATE_DIR", stateDir.toString(),
        "REACH_LEASE_TTL_MS", "1000",
        "REACH_LEASE_KILL_MARGIN_MS", "300",
        "REACH_OUTAGE_RIDE_THROUGH_MS", "0",
        "REACH_REAPER_INTERVAL_MS", "100",
        "REACH_METRICS_SAMPLE_MS", "100",
        "REACH_ALERT_WEBHOOK_URL", "http://127.0.0.1:" + receiver.actualPort() + "/alerts",
        "REACH_RETENTION_MS", "0",
        "REACH_RUNNER_JOIN_TOKEN", JOIN_TOKEN));
    ReachNode node = new ReachNode(vertx, cfg, Clock.systemUTC(), new HealthRegistry(vertx));
    orchestrator = OrchestratorService.deploy(node).await();
    HealthHttpServer health = new HealthHttpServer(node.health(), "127.0.0.1", 0);
    vertx.deployVerticle(health).await();
    port = health.actualPort();
    await().atMost(WAIT).until(orchestrator::leading);
  }

  private String scrape() {
    HttpClientAgent client = vertx.createHttpClient();
    try {
      return client.request(HttpMethod.GET, port, "127.0.0.1", "/metrics")
          .compose(req -> req.send().compose(resp -> resp.body())).await().toString();
    } finally {
      client.close();
    }
  }

  /** The value of one sample line ({@code name{labels}} exactly as exposed), or NaN when absent. */
  static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private double metric(String series) {
    return value(scrape(), series);
  }

  /** Auth is on (the default): the test speaks for a runner that joined with the configured join token. */
  private static io.vertx.core.eventbus.DeliveryOptions joined() {
    return dev.reach.shared.bus.JoinCredential.forToken(JOIN_TOKEN).stamp(new io.vertx.core.eventbus.DeliveryOptions());
  }

  private JsonObject request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, joined()).await().body();
  }

  @Test
  void metricsFollowTheLeaseProtocolAndAnEmptyFleetIsAlerted() {
    start();
    String text = scrape();
    assertThat(text).contains(
        "reach_lease_grants_total", "reach_lease_renewals_total", "reach_lease_expirations_total{reason=\"lease_expired\"}",
        "reach_stale_completions_refused_total", "reach_orchestrator_leader 1.0",
        "reach_breaker_state{name=\"database\",service=\"orchestrator\"} 0.0", "reach_db_query_seconds_count",
        "reach_queue_depth", "reach_queue_oldest_age_seconds", "reach_runners_available", "reach_runner_slots_capacity",
        "reach_runner_slots_busy", "vertx_pool_in_use{pool_name=\"reach-pool\",pool_type=\"sql\"}");

    request(Addresses.SUBMIT_RUN, new JsonObject().put("spec", new JsonObject().put("name", "r").put("jobs",
        new io.vertx.core.json.JsonArray().add(new JsonObject().put("name", "a").put("command", "true")))));
    await().atMost(WAIT).until(() -> metric("reach_queue_depth") == 1.0);

    // work queued, no runner ever heartbeated: the fleet is empty (CRITICAL after 3 samples)
    await().atMost(WAIT).until(() -> webhook.stream().anyMatch(o -> AlertKeys.RUNNER_FLEET_EMPTY.equals(o.getString("alert"))));
    JsonObject alert = webhook.stream().filter(o -> AlertKeys.RUNNER_FLEET_EMPTY.equals(o.getString("alert"))).findFirst()
        .orElseThrow();
    assertThat(alert.getString("level")).isEqualTo("CRITICAL");
    assertThat(alert.getString("service")).isEqualTo("orchestrator");
    assertThat(alert.getInteger("count")).isEqualTo(3);
    assertThat(alert.getString("message")).contains("1 job(s) queued");

    // a runner heartbeats (registering), claims and renews
    request(Addresses.HEARTBEAT, new Heartbeat("r1", "i1", 2, List.of(), 0, List.of()).toJson());
    double grants = metric("reach_lease_grants_total");
    Lease lease = ClaimResponse.fromJson(request(Addresses.CLAIM, new ClaimRequest("r1", "i1", 1, 2, List.of()).toJson()))
        .leases().get(0);
    assertThat(metric("reach_lease_grants_total")).isEqualTo(grants + 1);
    double renewals = metric("reach_lease_renewals_total");
    request(Addresses.HEARTBEAT, new Heartbeat("r1", "i1", 2, List.of(), 1, List.of(lease.token())).toJson());
    assertThat(metric("reach_lease_renewals_total")).isEqualTo(renewals + 1);
    await().atMost(WAIT).until(() -> metric("reach_runners_available") == 1.0 && metric("reach_runner_slots_busy") == 1.0
        && metric("reach_runner_slots_capacity") == 2.0 && metric("reach_queue_depth") == 0.0);
    // the sampler publishes a sample to the gauges first and judges the fleet right after
    await().atMost(Duration.ofSeconds(2))
        .until(() -> orchestrator.alerts().state(AlertKeys.RUNNER_FLEET_EMPTY).consecutiveFailures() == 0);

    // the runner goes silent: the lease runs out and the leader expires it
    await().atMost(WAIT).until(() -> metric("reach_lease_expirations_total{reason=\"lease_expired\"}") == 1.0);

    // the late completion is refused as stale, and counted with its code
    CompletionReport late = new CompletionReport(lease.jobId(), lease.token(), "r1", 0, EndReason.EXIT_CODE, null);
    var reply = vertx.eventBus().request(Addresses.COMPLETE, late.toJson(), joined());
    reply.otherwiseEmpty().await();
    assertThat(reply.cause()).isInstanceOf(ReplyException.class).hasMessageContaining("not current");
    String after = scrape();
    assertThat(value(after, "reach_stale_completions_refused_total")).isEqualTo(1.0);
    assertThat(value(after, "reach_orchestrator_request_errors_total{address=\"" + Addresses.COMPLETE
        + "\",code=\"STALE_LEASE\"}")).isEqualTo(1.0);
    assertThat(value(after, "reach_db_query_seconds_count{outcome=\"ok\"}")).isGreaterThan(5);

    // the status payload carries the alert state for admin output
    JsonObject status = request(Addresses.ORCHESTRATOR_STATUS, new JsonObject());
    assertThat(status.getJsonObject("alerts").getJsonObject("alerts").getJsonObject(AlertKeys.RUNNER_FLEET_EMPTY)
        .getLong("sent_count")).isEqualTo(1);
    assertThat(status.getJsonObject("protocol").getLong("leases_expired")).isEqualTo(1);
  }
}
