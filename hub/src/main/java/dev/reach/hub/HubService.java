package dev.reach.hub;

import dev.reach.shared.breaker.Breaker;
import dev.reach.shared.breaker.BreakerSettings;
import dev.reach.shared.breaker.Breakers;
import dev.reach.shared.breaker.DependencyBreaker;
import dev.reach.shared.health.Lifecycle;
import dev.reach.shared.health.LifecycleState;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;
import java.util.List;

/**
 * The hub: Reach's HTTP front door. It owns nothing durable — it validates requests, forwards
 * them over the event bus to the orchestrator and the artifact store, and streams logs.
 *
 * <p>Its lifecycle ({@code hub} in {@code /health/ready}) is {@code STARTING} until deployed, then
 * {@code HEALTHY}; {@link #stop()} moves it to {@code DRAINING} (not ready; submissions, cancels and
 * requeues answer {@code 503 SHUTTING_DOWN}), lets the requests in flight finish, closes the
 * connections, and ends {@code STOPPED}.
 *
 * <p>Requests to the orchestrator and to the artifact store pass through a {@link DependencyBreaker}
 * each ({@code hub:orchestrator}, {@code hub:artifact-store}; {@code REACH_BREAKER_*}), registered in
 * {@link Breakers#jvm()} while the hub runs.
 */
public final class HubService {
  /** The service's name in its lifecycle (and readiness check {@code lifecycle.hub}). */
  public static final String SERVICE = "hub";

  private final ReachNode node;
  private final String deploymentId;
  private final HubHttpVerticle verticle;
  private final Lifecycle lifecycle;
  private final List<Breaker> breakers;
  private Future<Void> stopped;

  private HubService(ReachNode node, String deploymentId, HubHttpVerticle verticle, Lifecycle lifecycle,
      List<Breaker> breakers) {
    this.breakers = breakers;
    this.node = node;
    this.deploymentId = deploymentId;
    this.verticle = verticle;
    this.lifecycle = lifecycle;
  }

  /** Starts the HTTP server and registers the hub's readiness checks (lifecycle, cluster, orchestrator) on {@code node.health()}. */
  public static Future<HubService> deploy(ReachNode node) {
    Lifecycle lifecycle = node.health().lifecycle(SERVICE, node.clock());
    BreakerSettings breakers = BreakerSettings.dependencies(node.config());
    long timeoutMs = node.config().requestTimeoutMs();
    OrchestratorClient orchestrator = new OrchestratorClient(node.vertx(), timeoutMs, breakers, node.clock());
    ArtifactStoreClient artifacts = new ArtifactStoreClient(node.vertx(), timeoutMs, breakers, node.clock());
    List<Breaker> own = List.of(orchestrator.breaker(), artifacts.breaker());
    own.forEach(Breakers.jvm()::register);
    HubHttpVerticle verticle = new HubHttpVerticle(node, orchestrator, artifacts, lifecycle);
    return node.vertx().deployVerticle(verticle)
        .map(id -> {
          ReadinessChecks.register(node, orchestrator);
          lifecycle.moveTo(LifecycleState.HEALTHY, "listening on port " + verticle.actualPort());
          return new HubService(node, id, verticle, lifecycle, own);
        })
        .onFailure(t -> {
          own.forEach(Breakers.jvm()::unregister);
          lifecycle.moveTo(LifecycleState.CRASHING, "start failed: " + t.getMessage());
        });
  }

  /** The port the HTTP server listens on (the actual one when {@code REACH_HTTP_PORT=0}). */
  public int httpPort() {
    return verticle.actualPort();
  }

  /** The hub's lifecycle. */
  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /** The hub's breakers in front of the orchestrator and the artifact store (also in {@link Breakers#jvm()} while it runs). */
  List<Breaker> breakers() {
    return breakers;
  }

  /** Counters of the log streams (for tests; later for metrics). */
  LogStreamStats logStreams() {
    return verticle.logStreamStats();
  }

  /**
   * Drains and stops: {@code DRAINING} (not ready; new work answers {@code 503 SHUTTING_DOWN}), the
   * requests in flight finish (at most {@code REACH_DRAIN_TIMEOUT_MS}), the server closes,
   * {@code STOPPED}. Calling it again returns the same future.
   */
  public synchronized Future<Void> stop() {
    if (stopped == null) {
      lifecycle.moveTo(LifecycleState.DRAINING, "stop requested");
      ReadinessChecks.unregister(node);
      stopped = node.vertx().undeploy(deploymentId)
          .andThen(ar -> {
            breakers.forEach(Breakers.jvm()::unregister);
            lifecycle.moveTo(LifecycleState.STOPPED, "stopped");
          });
    }
    return stopped;
  }
}
