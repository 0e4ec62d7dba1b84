package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * {@code POST /admin/api/worker/restart {"reason": "...", "acknowledge_blocked"?: true, "component"?:
 * "hub.http"}}: a graceful restart of a component of this JVM (by default the hub's HTTP worker:
 * new instances join the same port before the old ones drain, so the port never closes). While the
 * component's self-healing policy is {@code blocked} it is refused ({@code 409 HEAL_BLOCKED}) unless
 * {@code acknowledge_blocked} is true; who asked, why and when is logged, kept in the restart
 * history and appended to the event log.
 */
final class WorkerRestartHandler implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger(WorkerRestartHandler.class.getName());
  private static final Set<String> FIELDS = Set.of("reason", "acknowledge_blocked", "component");
  static final int MAX_REASON = 500;

  private final ReachNode node;
  private final String defaultComponent;
  private final Supplier<JsonObject> worker;

  WorkerRestartHandler(ReachNode node, String defaultComponent, Supplier<JsonObject> worker) {
    this.node = node;
    this.defaultComponent = defaultComponent;
    this.worker = worker;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject body = JsonBody.object(ctx);
    JsonBody.requireOnly(body, FIELDS);
    if (!(body.getValue("reason") instanceof String reason) || reason.isBlank()) {
      throw invalid("reason", "field 'reason' is required: say why the worker is restarted");
    }
    if (reason.length() > MAX_REASON) {
      throw invalid("reason", "field 'reason' must be at most " + MAX_REASON + " characters");
    }
    Object ack = body.getValue("acknowledge_blocked", false);
    if (!(ack instanceof Boolean acknowledged)) {
      throw invalid("acknowledge_blocked", "field 'acknowledge_blocked' must be true or false");
    }
    Object comp = body.getValue("component", defaultComponent);
    if (!(comp instanceof String component) || component.isBlank()) {
      throw invalid("component", "field 'component' must be a component name");
    }
    String principal = ctx.get(TokenAuth.PRINCIPAL);
    if (acknowledged) {
      LOG.warning("manual restart of " + component + " requested by " + principal + " with acknowledge_blocked=true;"
          + " reason: " + reason);
    }
    node.watchdog().manualRestart(component, principal, reason, acknowledged)
        .onSuccess(record -> {
          if (HubRouter.WORKER_COMPONENT.equals(component) && "restarted".equals(record.outcome())) {
            // this connection belongs to the worker now draining, which closes it once idle: a client that
            // kept it for its next request would race that close (and see no answer at all)
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
          }
          JsonResponses.send(ctx, 200, new JsonObject()
              .put("restarted", "restarted".equals(record.outcome()))
              .put("record", record.toJson())
              .put("worker", worker.get()));
        })
        .onFailure(ctx::fail);
  }

  private static ReachException invalid(String field, String message) {
    return new ReachException(ErrorCode.INVALID_REQUEST, message, field);
  }
}
