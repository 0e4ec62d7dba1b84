package dev.reach.hub;

import dev.reach.shared.node.ReachNode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * {@code GET /admin/api/worker/status}: the hub's HTTP worker (deployment, port, instances), every
 * component this JVM's watchdog looks after with its last probe and self-healing policy
 * ({@code allowed}, {@code cooling_down} with the seconds left, {@code blocked}), the bounded
 * restart history with the churn in its window, and the recommended next action.
 */
final class WorkerStatusHandler implements Handler<RoutingContext> {
  private final ReachNode node;
  private final Supplier<JsonObject> worker;

  WorkerStatusHandler(ReachNode node, Supplier<JsonObject> worker) {
    this.node = node;
    this.worker = worker;
  }

  @Override
  public void handle(RoutingContext ctx) {
    node.health().summary().onComplete(ar -> {
      JsonObject healing = node.watchdog().describe();
      JsonObject body = new JsonObject()
          .put("generated_at", node.clock().instant().toString())
          .put("worker", worker.get())
          .put("policy", node.watchdog().worstPolicy().toJson())
          .put("components", healing.getJsonArray("components"))
          .put("thresholds", healing.getJsonObject("thresholds"))
          .put("restart_churn", healing.getJsonObject("churn"))
          .put("recommendation", ar.succeeded()
              ? ar.result().getJsonObject("resilience").getJsonObject("recommendation")
              : new JsonObject().put("action", "observe").put("reason", "health summary unavailable: " + ar.cause()));
      JsonResponses.send(ctx, 200, body);
    });
  }
}
