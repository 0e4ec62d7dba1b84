package dev.reach.hub;

import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.health.DeepChecks;
import dev.reach.shared.node.NodeDirectory;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /admin/api/system-status}: the whole cluster at a glance — members; every node with its
 * services' lifecycle states, breakers and self-healing policy; queue depth and the oldest queued
 * job's age; leases; live runners and slots; the leader; and the restart churn within the
 * configured window with a flag when it reaches the threshold. Parts that cannot be had (the
 * database is down) are reported with their error instead of failing the whole answer.
 */
final class SystemStatusHandler implements Handler<RoutingContext> {
  private final ReachNode node;
  private final OrchestratorClient orchestrator;

  SystemStatusHandler(ReachNode node, OrchestratorClient orchestrator) {
    this.node = node;
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Future<JsonObject> cluster = DeepChecks.cluster("cluster", node.vertx()).check().get();
    Future<JsonArray> nodes = NodeDirectory.list(node.vertx());
    Future<JsonObject> figures = orchestrator.systemFigures();
    Future<JsonObject> status = orchestrator.status();
    Future.join(cluster, nodes, figures, status).onComplete(ignored -> {
      JsonArray nodeList = nodes.succeeded() ? nodes.result() : new JsonArray();
      JsonArray services = new JsonArray();
      JsonArray breakers = new JsonArray();
      int restarts = 0;
      boolean anyNodeExceeded = false;
      JsonArray perNode = new JsonArray();
      for (Object o : nodeList) {
        JsonObject n = (JsonObject) o;
        String id = n.getString("node_id");
        JsonObject svc = n.getJsonObject("services", new JsonObject());
        svc.forEach(e -> services.add(((JsonObject) e.getValue()).copy().put("node_id", id).put("service", e.getKey())));
        JsonObject res = n.getJsonObject("resilience", new JsonObject());
        res.getJsonArray("breakers", new JsonArray())
            .forEach(b -> breakers.add(((JsonObject) b).copy().put("node_id", id)));
        JsonObject churn = res.getJsonObject("restart_churn", new JsonObject());
        restarts += churn.getInteger("restarts_in_window", 0);
        anyNodeExceeded |= churn.getBoolean("churn_exceeded", false);
        perNode.add(new JsonObject().put("node_id", id)
            .put("restarts_in_window", churn.getInteger("restarts_in_window", 0))
            .put("churn_exceeded", churn.getBoolean("churn_exceeded", false))
            .put("history", churn.getJsonArray("history", new JsonArray())));
      }
      int threshold = node.config().churnThreshold();
      JsonObject body = new JsonObject()
          .put("generated_at", node.clock().instant().toString())
          .put("cluster", part(cluster))
          .put("nodes", nodeList)
          .put("services", services)
          .put("breakers", breakers)
          .put("orchestrator", part(status))
          .put("queue", figures.succeeded() ? new JsonObject()
              .put("queued", figures.result().getLong("queued"))
              .put("oldest_queued_age_ms", figures.result().getLong("oldest_queued_age_ms")) : error(figures))
          .put("leases", figures.succeeded() ? new JsonObject()
              .put("active", figures.result().getLong("active_leases"))
              .put("overdue", figures.result().getLong("overdue_leases")) : error(figures))
          .put("runners", figures.succeeded() ? new JsonObject()
              .put("live", figures.result().getLong("live_runners"))
              .put("live_slots", figures.result().getLong("live_slots")) : error(figures))
          .put("dead_letters", figures.succeeded() ? figures.result().getLong("dead_letters") : null)
          .put("leadership", figures.succeeded() ? new JsonObject()
              .put("leader_id", figures.result().getString("leader_id"))
              .put("epoch", figures.result().getLong("leader_epoch"))
              .put("since", figures.result().getString("leader_since")) : error(figures))
          .put("restart_churn", new JsonObject()
              .put("window_seconds", node.config().churnWindowMs() / 1000)
              .put("threshold", threshold)
              .put("restarts_in_window", restarts)
              .put("churn_exceeded", anyNodeExceeded || restarts >= threshold)
              .put("nodes", perNode));
      JsonResponses.send(ctx, 200, body);
    });
  }

  private static JsonObject part(Future<JsonObject> f) {
    return f.succeeded() ? f.result() : error(f);
  }

  private static JsonObject error(Future<?> f) {
    ReachException e = BusErrors.classify(f.cause());
    return new JsonObject().put("error", e.toJson());
  }
}
