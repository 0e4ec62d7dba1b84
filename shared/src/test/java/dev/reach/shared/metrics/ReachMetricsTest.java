package dev.reach.shared.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.health.HealthHttpServer;
import dev.reach.shared.health.HealthRegistry;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /metrics} of the health server over real HTTP, on a Vert.x built with metrics. */
class ReachMetricsTest {
  private final Vertx vertx = VertxMetricsSetup.vertx();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private String scrape(int port) {
    HttpClientAgent client = vertx.createHttpClient();
    return client.request(HttpMethod.GET, port, "127.0.0.1", "/metrics")
        .compose(req -> req.send().compose(resp -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          assertThat(resp.getHeader("Content-Type")).startsWith("text/plain; version=0.0.4");
          return resp.body();
        })).await().toString();
  }

  @Test
  void theHealthServerServesReachAndVertxMetrics() {
    HealthHttpServer server = new HealthHttpServer(new HealthRegistry(vertx), "127.0.0.1", 0);
    vertx.deployVerticle(server).await();
    ReachMetrics metrics = ReachMetrics.of(vertx);
    AtomicReference<CircuitBreakerState> state = new AtomicReference<>(CircuitBreakerState.OPEN);
    metrics.breaker("reach-db", "orchestrator", state::get);
    metrics.heal("runner", "healed");
    metrics.heal("runner", "healed");

    scrape(server.actualPort()); // one request first, so Vert.x's HTTP server metrics have a sample
    String text = scrape(server.actualPort());
    assertThat(text)
        .contains("reach_breaker_state{name=\"reach-db\",service=\"orchestrator\"} 2.0")
        .contains("reach_heals_total{component=\"runner\",outcome=\"healed\"} 2.0")
        .contains("vertx_http_server_requests_total");

    state.set(CircuitBreakerState.HALF_OPEN);
    assertThat(scrape(server.actualPort())).contains("reach_breaker_state{name=\"reach-db\",service=\"orchestrator\"} 1.0");
  }

  @Test
  void aGaugeRegisteredAgainReadsTheNewSupplier() {
    ReachMetrics metrics = ReachMetrics.of(vertx);
    metrics.gauge("reach.queue.depth", "Queued jobs", null, () -> 1, "scope", "test");
    metrics.gauge("reach.queue.depth", "Queued jobs", null, () -> 7, "scope", "test");
    assertThat(metrics.scrape()).contains("reach_queue_depth{scope=\"test\"} 7.0");
  }

  @Test
  void aVertxWithoutMetricsStillGetsAReachRegistry() {
    Vertx plain = Vertx.vertx();
    try {
      ReachMetrics.of(plain).heal("hub", "failed");
      assertThat(ReachMetrics.of(plain).scrape()).contains("reach_heals_total{component=\"hub\",outcome=\"failed\"} 1.0");
      assertThat(ReachMetrics.of(plain)).isNotSameAs(ReachMetrics.of(vertx));
    } finally {
      plain.close().await();
    }
  }
}
