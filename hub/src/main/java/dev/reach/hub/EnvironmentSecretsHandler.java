package dev.reach.hub;

import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The admin routes for environment secrets, forwarded to the orchestrator:
 * {@code PUT /admin/api/environments/:env/secrets/:name} with {@code {"value": "..."}} stores one,
 * {@code GET /admin/api/environments/:env/secrets} lists names and update times (never values),
 * {@code DELETE /admin/api/environments/:env/secrets/:name} removes one. The actor is the admin token.
 */
final class EnvironmentSecretsHandler {
  private final OrchestratorClient orchestrator;

  EnvironmentSecretsHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  void set(RoutingContext ctx) {
    JsonObject body = JsonBody.object(ctx);
    for (String f : body.fieldNames()) {
      if (!Set.of("value").contains(f)) {
        throw new ReachException(ErrorCode.INVALID_REQUEST, "unknown field '" + f + "'; allowed: value", f);
      }
    }
    if (!(body.getValue("value") instanceof String value) || value.isEmpty()) {
      throw new ReachException(ErrorCode.INVALID_REQUEST, "field 'value' must be a non-empty string", "value");
    }
    JsonObject msg = target(ctx).put("value", value);
    orchestrator.admin(Addresses.ADMIN_SECRET_SET, msg)
        .onSuccess(reply -> JsonResponses.send(ctx, 200, reply)).onFailure(ctx::fail);
  }

  void list(RoutingContext ctx) {
    orchestrator.admin(Addresses.ADMIN_SECRET_LIST, new JsonObject().put("environment", ctx.pathParam("env")))
        .onSuccess(reply -> JsonResponses.send(ctx, 200, reply)).onFailure(ctx::fail);
  }

  void delete(RoutingContext ctx) {
    orchestrator.admin(Addresses.ADMIN_SECRET_DELETE, target(ctx))
        .onSuccess(reply -> JsonResponses.send(ctx, 200, reply)).onFailure(ctx::fail);
  }

  private static JsonObject target(RoutingContext ctx) {
    JsonObject o = new JsonObject().put("environment", ctx.pathParam("env")).put("name", ctx.pathParam("name"));
    String actor = ctx.get(TokenAuth.PRINCIPAL);
    return actor == null ? o : o.put("actor", actor);
  }
}
