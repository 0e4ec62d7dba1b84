package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.metrics.ReachMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HubMetricsTest {
  private HubFixture f;

  @BeforeEach
  void setUp() {
    f = HubFixture.start();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void metricsAreServedInThePrometheusTextFormat() {
    ReachMetrics.of(f.vertx).heal("hub", "healed");

    HubFixture.HttpReply r = f.get("/metrics");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).isEqualTo(ReachMetrics.CONTENT_TYPE);
    assertThat(r.text()).contains("# TYPE reach_heals_total counter")
        .contains("reach_heals_total{component=\"hub\",outcome=\"healed\"} 1.0");
  }
}
