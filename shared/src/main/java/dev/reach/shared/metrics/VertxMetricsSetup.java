package dev.reach.shared.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/**
 * Builds Vert.x with Micrometer metrics on a Prometheus registry that {@link ReachMetrics#of}
 * then returns for that Vert.x: {@code ClusterBootstrap}, local mode and tests build their Vert.x
 * here so {@code /metrics} carries Vert.x's HTTP, event-bus and pool metrics ({@code vertx_*}) next
 * to Reach's ({@code reach_*}).
 */
public final class VertxMetricsSetup {
  private VertxMetricsSetup() {}

  /** {@code options} with Micrometer metrics enabled (Prometheus backend). */
  public static VertxOptions withMetrics(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }

  /** A builder for {@code options} with metrics on {@code registry}. */
  public static VertxBuilder builder(VertxOptions options, PrometheusMeterRegistry registry) {
    return Vertx.builder().with(withMetrics(options)).withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** A fresh registry for {@link #builder}. */
  public static PrometheusMeterRegistry registry() {
    return ReachMetrics.newRegistry();
  }

  /** Makes {@code registry} the one {@link ReachMetrics#of} returns for {@code vertx}. */
  public static Vertx attach(Vertx vertx, PrometheusMeterRegistry registry) {
    ReachMetrics.attach(vertx, registry);
    return vertx;
  }

  /** A plain (not clustered) Vert.x with metrics. */
  public static Vertx vertx() {
    PrometheusMeterRegistry registry = registry();
    return attach(builder(new VertxOptions(), registry).build(), registry);
  }

  /** A clustered Vert.x with metrics, from a builder that already has its cluster manager. */
  public static Future<Vertx> clustered(VertxBuilder builder, PrometheusMeterRegistry registry) {
    return builder.buildClustered().map(v -> attach(v, registry));
  }
}
