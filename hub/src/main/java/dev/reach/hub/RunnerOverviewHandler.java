package dev.reach.hub;

import dev.reach.shared.node.NodeDirectory;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/runners/overview} (viewer): every runner the orchestrators know, as
 * {@code GET /api/v1/runners} lists them, plus what the dashboard needs to tell the live ones from the
 * departed: {@code alive} (a heartbeat within {@code REACH_RUNNER_ALIVE_WINDOW_MS}, the window the
 * orchestrators count live runners by), {@code heartbeat_age_ms}, and the runner service's
 * {@code lifecycle} as its JVM last published it in the node directory (null when no node names this
 * runner: it left the cluster, or it shares a JVM with other runners in local mode).
 */
final class RunnerOverviewHandler implements Handler<RoutingContext> {
  private final ReachNode node;
  private final OrchestratorClient orchestrator;

  RunnerOverviewHandler(ReachNode node, OrchestratorClient orchestrator) {
    this.node = node;
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Future<JsonArray> nodes = NodeDirectory.list(node.vertx());
    orchestrator.listRunners().onFailure(ctx::fail).onSuccess(reply -> nodes.onComplete(ar -> {
      Map<String, JsonObject> lifecycles = ar.succeeded() ? lifecycles(ar.result()) : Map.of();
      Instant now = node.clock().instant();
      long window = node.config().runnerAliveWindowMs();
      JsonArray out = new JsonArray();
      for (Object o : reply.getJsonArray("runners", new JsonArray())) {
        JsonObject r = ((JsonObject) o).copy();
        Long age = ageMs(r.getString("last_heartbeat_at"), now);
        r.put("heartbeat_age_ms", age).put("alive", age != null && age <= window)
            .put("lifecycle", lifecycles.get(r.getString("id")));
        out.add(r);
      }
      JsonResponses.send(ctx, 200, new JsonObject().put("generated_at", now.toString())
          .put("alive_window_ms", window).put("node_directory", ar.succeeded()).put("runners", out));
    }));
  }

  /** Runner id → the runner service's lifecycle, from each node's published summary. */
  private static Map<String, JsonObject> lifecycles(JsonArray nodes) {
    Map<String, JsonObject> byId = new HashMap<>();
    for (Object o : nodes) {
      JsonObject services = ((JsonObject) o).getJsonObject("services", new JsonObject());
      services.forEach(e -> {
        if (e.getValue() instanceof JsonObject d && "runner".equals(e.getKey()) && d.getString("instance") != null) {
          byId.put(d.getString("instance"), d.copy().put("node_id", ((JsonObject) o).getString("node_id")));
        }
      });
    }
    return byId;
  }

  private static Long ageMs(String at, Instant now) {
    if (at == null) {
      return null;
    }
    try {
      return Math.max(0, now.toEpochMilli() - java.time.OffsetDateTime.parse(at).toInstant().toEpochMilli());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
