package dev.reach.shared.health;

import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * The health checks of one JVM, built on Vert.x Health Checks: {@code /health/live} (the process
 * answers) and {@code /health/ready} (every registered dependency check passes). Each service
 * registers its own readiness procedures (database, cluster, disk, ...).
 */
public final class HealthRegistry {
  public static final long CHECK_TIMEOUT_MS = 2_000;
  private final HealthChecks live;
  private final HealthChecks ready;

  public HealthRegistry(Vertx vertx) {
    this.live = HealthChecks.create(vertx);
    this.ready = HealthChecks.create(vertx);
    live.register("process", CHECK_TIMEOUT_MS, p -> p.complete(Status.OK()));
  }

  public HealthRegistry readiness(String name, Handler<Promise<Status>> procedure) {
    ready.register(name, CHECK_TIMEOUT_MS, procedure);
    return this;
  }

  /**
   * The lifecycle of one service of this JVM; {@code /health/ready} fails unless it is
   * {@code HEALTHY} (so a draining service is taken out of rotation).
   */
  public Lifecycle lifecycle(String service, java.time.Clock clock) {
    Lifecycle lifecycle = new Lifecycle(service, clock);
    ready.register("lifecycle." + service, CHECK_TIMEOUT_MS, p -> {
      io.vertx.core.json.JsonObject data = lifecycle.describe();
      p.tryComplete(lifecycle.state().ready() ? Status.OK(data) : Status.KO(data));
    });
    return lifecycle;
  }

  public HealthChecks ready() {
    return ready;
  }

  /** Mounts {@code /health/live} and {@code /health/ready} on {@code router}. */
  public void mount(Router router) {
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
  }
}
