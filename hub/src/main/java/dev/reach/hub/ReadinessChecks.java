package dev.reach.hub;

import dev.reach.shared.error.ReachException;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;

/** What the hub needs to be ready: the cluster (when clustered) and an orchestrator that answers. */
final class ReadinessChecks {
  static final String CLUSTER = "cluster";
  static final String ORCHESTRATOR = "orchestrator";
  static final long ORCHESTRATOR_TIMEOUT_MS = 2_000;

  private ReadinessChecks() {}

  static void register(ReachNode node, OrchestratorClient orchestrator) {
    Vertx vertx = node.vertx();
    if (vertx.isClustered()) {
      node.health().readiness(CLUSTER, ClusterHealthCheck.createProcedure(vertx));
    }
    node.health().readiness(ORCHESTRATOR, p -> orchestrator.listRunners(ORCHESTRATOR_TIMEOUT_MS).onComplete(ar -> {
      if (ar.succeeded()) {
        p.tryComplete(Status.OK());
      } else {
        JsonObject data = ar.cause() instanceof ReachException re
            ? new JsonObject().put("code", re.code().name()).put("message", re.getMessage())
            : new JsonObject().put("code", "INTERNAL");
        p.tryComplete(Status.KO(data));
      }
    }));
  }

  /** Removes the hub's own check; the cluster check belongs to the node and stays. */
  static void unregister(ReachNode node) {
    node.health().ready().unregister(ORCHESTRATOR);
  }
}
