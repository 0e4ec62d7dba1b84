package dev.reach.shared.health;

import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.heal.PolicyState;
import dev.reach.shared.heal.Watchdog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Builds the {@code /health} and {@code /health/deep} payloads: readiness outcome, lifecycles, the
 * resilience fields (configured thresholds, circuit breakers, self-healing policy and components,
 * restart churn) and a recommendation; the deep one adds every dependency check with its latency.
 * Status {@code UP} (200), {@code DEGRADED} (200: ready, but a dependency is down or a breaker
 * open) or {@code DOWN} (503: not ready).
 */
final class HealthReport {
  record Result(int httpStatus, JsonObject body) {}

  private final Vertx vertx;
  private final ReachConfig config;
  private final Clock clock;
  private final HealthChecks ready;
  private final Map<String, Lifecycle> lifecycles;
  private final List<DependencyCheck> dependencies;
  private final Map<String, Supplier<JsonObject>> breakers;
  private final Map<String, Supplier<JsonObject>> thresholds;
  private final Watchdog watchdog;

  HealthReport(Vertx vertx, ReachConfig config, Clock clock, HealthChecks ready, Map<String, Lifecycle> lifecycles,
      List<DependencyCheck> dependencies, Map<String, Supplier<JsonObject>> breakers,
      Map<String, Supplier<JsonObject>> thresholds, Watchdog watchdog) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.ready = ready;
    this.lifecycles = lifecycles;
    this.dependencies = dependencies;
    this.breakers = breakers;
    this.thresholds = thresholds;
    this.watchdog = watchdog;
  }

  Future<Result> build(boolean deep) {
    Future<CheckResult> readiness = ready.checkStatus();
    Future<JsonObject> deps = deep ? checkDependencies() : Future.succeededFuture(null);
    return Future.join(readiness, deps).transform(ignored -> {
      boolean isReady = readiness.succeeded() && readiness.result().getUp();
      JsonObject depResults = deps.result();
      List<String> degraded = new ArrayList<>();
      if (depResults != null) {
        depResults.forEach(e -> {
          if (!"up".equals(((JsonObject) e.getValue()).getString("status"))) {
            degraded.add(e.getKey());
          }
        });
      }
      JsonArray breakerStates = new JsonArray();
      List<String> open = new ArrayList<>();
      new TreeMap<>(breakers).forEach((name, describe) -> {
        JsonObject b = describe.get().copy().put("name", name);
        breakerStates.add(b);
        if (!"CLOSED".equals(b.getString("state"))) {
          open.add(name + " " + b.getString("state"));
        }
      });
      JsonObject healing = watchdog.describe();
      PolicyState policy = watchdog.worstPolicy();
      boolean churn = watchdog.history().churnExceeded();
      Recommendation rec = Recommendation.decide(watchdog.unhealthy(), policy, degraded, open, churn);
      String status = !isReady ? "DOWN" : degraded.isEmpty() && open.isEmpty() ? "UP" : "DEGRADED";

      JsonObject services = new JsonObject();
      new TreeMap<>(lifecycles).forEach((name, l) -> services.put(name, l.describe()));
      JsonObject body = new JsonObject()
          .put("status", status)
          .put("generated_at", clock.instant().toString())
          .put("node", new JsonObject()
              .put("pid", ProcessHandle.current().pid())
              .put("uptime_ms", ManagementFactory.getRuntimeMXBean().getUptime())
              .put("clustered", vertx.isClustered()))
          .put("services", services)
          .put("ready", readiness.succeeded() ? readiness.result().toJson() : new JsonObject().put("status", "DOWN"))
          .put("resilience", new JsonObject()
              .put("thresholds", thresholds())
              .put("breakers", breakerStates)
              .put("self_healing", new JsonObject()
                  .put("policy", policy.toJson())
                  .put("components", healing.getJsonArray("components"))
                  .put("thresholds", healing.getJsonObject("thresholds")))
              .put("restart_churn", healing.getJsonObject("churn"))
              .put("recommendation", rec.toJson()));
      if (depResults != null) {
        body.put("dependencies", depResults);
      }
      return Future.succeededFuture(new Result(isReady ? 200 : 503, body));
    });
  }

  private JsonObject thresholds() {
    JsonObject t = new JsonObject()
        .put("db_breaker_failures", config.dbBreakerFailures())
        .put("db_breaker_reset_ms", config.dbBreakerResetMs())
        .put("db_statement_timeout_ms", config.dbStatementTimeoutMs())
        .put("db_pool_size", config.dbPoolSize())
        .put("lease_ttl_ms", config.leaseTtlMs())
        .put("outage_ride_through_ms", config.outageRideThroughMs())
        .put("mass_expiry_share", config.massExpiryShare())
        .put("request_timeout_ms", config.requestTimeoutMs())
        .put("heal_max_per_window", config.healMaxPerWindow())
        .put("heal_window_ms", config.healWindowMs())
        .put("heal_cooldown_ms", config.healCooldownMs())
        .put("churn_threshold", config.churnThreshold())
        .put("churn_window_ms", config.churnWindowMs())
        .put("health_cache_ms", config.testMode() ? 0 : config.healthCacheMs());
    new TreeMap<>(thresholds).forEach((name, describe) -> t.put(name, describe.get()));
    return t;
  }

  private Future<JsonObject> checkDependencies() {
    List<DependencyCheck> checks = List.copyOf(dependencies);
    List<Future<JsonObject>> results = new ArrayList<>();
    for (DependencyCheck c : checks) {
      Future<JsonObject> f;
      try {
        f = c.check().get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      results.add(f.timeout(HealthRegistry.CHECK_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
          .recover(t -> Future.succeededFuture(new JsonObject().put("status", "down")
              .put("error", String.valueOf(t.getMessage())))));
    }
    return Future.join(results).transform(ignored -> {
      JsonObject out = new JsonObject();
      for (int i = 0; i < checks.size(); i++) {
        out.put(checks.get(i).name(), results.get(i).result());
      }
      return Future.succeededFuture(out);
    });
  }
}
