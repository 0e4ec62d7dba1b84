package dev.reach.hub;

import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;

/**
 * The hub: Reach's HTTP front door. It owns nothing durable — it validates requests, forwards
 * them over the event bus to the orchestrator and the artifact store, and streams logs.
 */
public final class HubService {
  private final ReachNode node;
  private final String deploymentId;
  private final HubHttpVerticle verticle;

  private HubService(ReachNode node, String deploymentId, HubHttpVerticle verticle) {
    this.node = node;
    this.deploymentId = deploymentId;
    this.verticle = verticle;
  }

  /** Starts the HTTP server and registers the hub's readiness checks on {@code node.health()}. */
  public static Future<HubService> deploy(ReachNode node) {
    OrchestratorClient orchestrator = new OrchestratorClient(node.vertx(), node.config().requestTimeoutMs());
    HubHttpVerticle verticle = new HubHttpVerticle(node, orchestrator);
    return node.vertx().deployVerticle(verticle).map(id -> {
      ReadinessChecks.register(node, orchestrator);
      return new HubService(node, id, verticle);
    });
  }

  /** The port the HTTP server listens on (the actual one when {@code REACH_HTTP_PORT=0}). */
  public int httpPort() {
    return verticle.actualPort();
  }

  /** Counters of the log streams (for tests; later for metrics). */
  LogStreamStats logStreams() {
    return verticle.logStreamStats();
  }

  public Future<Void> stop() {
    ReadinessChecks.unregister(node);
    return node.vertx().undeploy(deploymentId);
  }
}
