package dev.reach.shared.health;

import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.heal.Watchdog;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The health of one JVM, built on Vert.x Health Checks:
 *
 * <ul>
 *   <li>{@code /health/live}: the process answers;
 *   <li>{@code /health/ready}: every registered readiness check passes (dependencies reachable,
 *       every lifecycle {@code HEALTHY});
 *   <li>{@code /health}: a summary with the resilience fields (thresholds, breakers, self-healing
 *       policy, restart churn, recommendation);
 *   <li>{@code /health/deep}: the summary plus every dependency check (database latency, cluster
 *       members, event-bus round trips, disk).
 * </ul>
 *
 * The two reports are memoised for {@code REACH_HEALTH_CACHE_MS} (5 s), not in test mode, so
 * frequent scrapes cost one set of checks. The JVM's self-healing {@link Watchdog} lives here too.
 */
public final class HealthRegistry {
  public static final long CHECK_TIMEOUT_MS = 2_000;
  private final Vertx vertx;
  private final ReachConfig config;
  private final Clock clock;
  private final HealthChecks live;
  private final HealthChecks ready;
  private final Map<String, Lifecycle> lifecycles = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<DependencyCheck> dependencies = new CopyOnWriteArrayList<>();
  private final Map<String, Supplier<JsonObject>> breakers = new ConcurrentHashMap<>();
  private final Map<String, Supplier<JsonObject>> thresholds = new ConcurrentHashMap<>();
  private final Watchdog watchdog;
  private dev.reach.shared.node.NodeDirectory directory;
  private final HealthReport report;
  private final Memo<HealthReport.Result> summaryMemo;
  private final Memo<HealthReport.Result> deepMemo;

  /** With the default settings and the system clock (tests and tools). */
  public HealthRegistry(Vertx vertx) {
    this(vertx, ReachConfig.from(Map.of(), 0), Clock.systemUTC());
  }

  public HealthRegistry(Vertx vertx, ReachConfig config, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.live = HealthChecks.create(vertx);
    this.ready = HealthChecks.create(vertx);
    live.register("process", CHECK_TIMEOUT_MS, p -> p.complete(Status.OK()));
    this.watchdog = new Watchdog(clock, new Watchdog.Settings(config.watchdogIntervalMs(), config.watchdogStuckMs(),
        config.healMaxPerWindow(), Duration.ofMillis(config.healWindowMs()), Duration.ofMillis(config.healCooldownMs()),
        config.churnThreshold(), Duration.ofMillis(config.churnWindowMs())));
    // every restart attempt goes into the event log too (through an orchestrator; best effort: the
    // bounded history and the log line keep it when no orchestrator can be reached)
    watchdog.onRecord(r -> vertx.eventBus().request(dev.reach.shared.bus.Addresses.ADMIN_AUDIT, new JsonObject()
            .put("type", !"manual".equals(r.trigger()) ? "heal_attempted"
                : r.outcome().startsWith("refused") ? "manual_restart_refused" : "manual_restart")
            .put("payload", r.toJson()),
        new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(config.requestTimeoutMs())));
    watchdog.onRecord(r -> dev.reach.shared.metrics.ReachMetrics.of(vertx).heal(r.component(), r.outcome()));
    this.report = new HealthReport(vertx, config, clock, ready, lifecycles, dependencies, breakers, thresholds,
        watchdog);
    long ttl = config.testMode() ? 0 : config.healthCacheMs();
    this.summaryMemo = new Memo<>(ttl, clock::millis, () -> report.build(false));
    this.deepMemo = new Memo<>(ttl, clock::millis, () -> report.build(true));
  }

  public HealthRegistry readiness(String name, Handler<Promise<Status>> procedure) {
    ready.register(name, CHECK_TIMEOUT_MS, procedure);
    return this;
  }

  /**
   * The lifecycle of one service of this JVM; {@code /health/ready} fails unless it is
   * {@code HEALTHY} (so a draining service is taken out of rotation).
   */
  public Lifecycle lifecycle(String service, Clock clock) {
    Lifecycle lifecycle = new Lifecycle(service, clock);
    lifecycles.put(service, lifecycle);
    lifecycle.onChange(state -> lifecycleChanged());
    ready.register("lifecycle." + service, CHECK_TIMEOUT_MS, p -> {
      JsonObject data = lifecycle.describe();
      p.tryComplete(lifecycle.state().ready() ? Status.OK(data) : Status.KO(data));
    });
    return lifecycle;
  }

  /** A dependency shown by {@code /health/deep} (replaces one of the same name). */
  public HealthRegistry dependency(DependencyCheck check) {
    dependencies.removeIf(d -> d.name().equals(check.name()));
    dependencies.add(check);
    return this;
  }

  /** A circuit breaker shown in the resilience fields ({@code state} OPEN/HALF_OPEN/CLOSED, counts, thresholds). */
  public HealthRegistry breaker(String name, Supplier<JsonObject> describe) {
    breakers.put(name, describe);
    return this;
  }

  /** Configured thresholds of a service, shown in the resilience fields. */
  public HealthRegistry thresholds(String name, Supplier<JsonObject> describe) {
    thresholds.put(name, describe);
    return this;
  }

  public void unregister(String name) {
    ready.unregister(name);
    dependencies.removeIf(d -> d.name().equals(name));
    breakers.remove(name);
  }

  public HealthChecks ready() {
    return ready;
  }

  /**
   * Puts this JVM in the cluster-wide node directory (its summary, refreshed every few seconds) for
   * the admin API; idempotent.
   */
  public synchronized void announce() {
    if (directory == null) {
      directory = new dev.reach.shared.node.NodeDirectory(vertx, this).start();
    }
  }

  /**
   * A lifecycle moved: cached payloads no longer say what is true, and the cluster's node directory
   * hears it now rather than at the next periodic publish.
   */
  private void lifecycleChanged() {
    summaryMemo.invalidate();
    deepMemo.invalidate();
    dev.reach.shared.node.NodeDirectory current;
    synchronized (this) {
      current = directory;
    }
    if (current != null) {
      current.publishNow();
    }
  }

  /** The JVM's self-healing watchdog. */
  public Watchdog watchdog() {
    return watchdog;
  }

  /** The summary ({@code /health}) now or from the memo. */
  public Future<JsonObject> summary() {
    return summaryMemo.get().value().map(HealthReport.Result::body);
  }

  /** Mounts {@code /health/live}, {@code /health/ready}, {@code /health} and {@code /health/deep} on {@code router}. */
  public void mount(Router router) {
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    router.get("/health").handler(ctx -> serve(ctx, summaryMemo));
    router.get("/health/deep").handler(ctx -> serve(ctx, deepMemo));
  }

  private void serve(RoutingContext ctx, Memo<HealthReport.Result> memo) {
    Memo.Hit<HealthReport.Result> hit = memo.get();
    hit.value().onComplete(ar -> {
      if (ctx.response().ended()) {
        return;
      }
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      JsonObject body = ar.result().body().copy()
          .put("cache", new JsonObject().put("cached", hit.cached()).put("age_ms", hit.ageMs())
              .put("ttl_ms", config.testMode() ? 0 : config.healthCacheMs()));
      ctx.response()
          .setStatusCode(ar.result().httpStatus())
          .putHeader("content-type", "application/json")
          .putHeader("cache-control", "no-store")
          .end(body.encode());
    });
  }
}
