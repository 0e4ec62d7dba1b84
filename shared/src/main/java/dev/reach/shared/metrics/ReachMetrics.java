package dev.reach.shared.metrics;

import dev.reach.shared.alert.AlertLevel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The metrics of one JVM's Vert.x: a Prometheus registry that Vert.x's own metrics (HTTP, event
 * bus, pools; see {@link VertxMetricsSetup}) and Reach's {@code reach_*} meters share, served as
 * text on {@code GET /metrics} by every service's router. A Vert.x built without metrics still
 * gets a registry here (Reach's meters only).
 *
 * <p>Gauges are registered once per name and tags and read a supplier that a later registration
 * replaces, so a service restarted on the same Vert.x reports its new self.
 */
public final class ReachMetrics {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Map<Vertx, ReachMetrics> BY_VERTX = Collections.synchronizedMap(new WeakHashMap<>());

  private final PrometheusMeterRegistry registry;
  private final Map<Meter.Id, DoubleSupplier> gauges = new ConcurrentHashMap<>();

  ReachMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** The metrics of {@code vertx} (created on first use when Vert.x was built without them). */
  public static ReachMetrics of(Vertx vertx) {
    return BY_VERTX.computeIfAbsent(vertx, v -> new ReachMetrics(newRegistry()));
  }

  static void attach(Vertx vertx, PrometheusMeterRegistry registry) {
    BY_VERTX.put(vertx, new ReachMetrics(registry));
  }

  static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of everything registered. */
  public String scrape() {
    return registry.scrape();
  }

  /** {@code GET /metrics}. */
  public void mount(Router router) {
    router.get("/metrics").handler(handler());
  }

  public Handler<RoutingContext> handler() {
    return ctx -> ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(scrape());
  }

  /** A counter {@code reach_<name>_total}; {@code name} is dotted ({@code reach.lease.grants}). */
  public Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  /** A gauge reading {@code value}; registering the same name and tags again replaces the supplier. */
  public void gauge(String name, String description, String baseUnit, DoubleSupplier value, String... tags) {
    Meter.Id id = new Meter.Id(name, Tags.of(tags), baseUnit, description, Meter.Type.GAUGE);
    gauges.put(id, value);
    Gauge.builder(name, gauges, m -> read(m.get(id))).description(description).baseUnit(baseUnit)
        .tags(Tags.of(tags)).strongReference(true).register(registry);
  }

  private static double read(DoubleSupplier s) {
    try {
      return s == null ? Double.NaN : s.getAsDouble();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * {@code reach_breaker_state{name,service}}: 0 closed, 1 half-open, 2 open.
   */
  public void breaker(String name, String service, Supplier<CircuitBreakerState> state) {
    gauge("reach.breaker.state", "Circuit breaker state: 0 closed, 1 half-open, 2 open", null,
        () -> breakerValue(state.get()), "name", name, "service", service);
  }

  public static double breakerValue(CircuitBreakerState s) {
    return switch (s) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  /** The timer around every database statement: {@code reach_db_query_seconds{outcome}}. */
  public Timer dbQueryTimer(String outcome) {
    return Timer.builder("reach.db.query").description("Database statements through Db.query, by outcome")
        .tag("outcome", outcome)
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(10))
        .register(registry);
  }

  /**
   * One heal by the self-healing watchdog: {@code reach_heals_total{component,outcome}} (the
   * watchdog, built separately, calls this; outcome e.g. {@code healed}, {@code failed},
   * {@code blocked}).
   */
  public void heal(String component, String outcome) {
    counter("reach.heals", "Heals attempted by the watchdog, by component and outcome",
        "component", component, "outcome", outcome).increment();
  }

  /** One alert sent: {@code reach_alerts_sent_total{alert,level}}. */
  public void alertSent(String alert, AlertLevel level) {
    counter("reach.alerts.sent", "Alerts sent to the channels, by key and level", "alert", alert, "level", level.name())
        .increment();
  }
}
