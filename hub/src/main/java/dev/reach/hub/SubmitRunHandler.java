package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.spec.RunSpec;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/runs}: validates the spec strictly (nothing invalid reaches the orchestrator),
 * then submits it with the optional idempotency key. 201 for a new run, 200 when the key named an
 * earlier run with the same body; the orchestrator's {@code IDEMPOTENCY_KEY_REUSED} passes through.
 */
final class SubmitRunHandler implements Handler<RoutingContext> {
  private final OrchestratorClient orchestrator;

  SubmitRunHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String key = IdempotencyKey.from(ctx.request());
    RunSpec spec = RunSpec.parse(JsonBody.object(ctx));
    orchestrator.submit(spec, key, ctx.get(TokenAuth.TOKEN_ID)).onSuccess(reply -> respond(ctx, reply)).onFailure(ctx::fail);
  }

  private static void respond(RoutingContext ctx, JsonObject reply) {
    Object id = reply.getValue("id");
    Object created = reply.getValue("created");
    if (!(id instanceof String runId) || runId.isEmpty() || !(created instanceof Boolean isNew)) {
      ctx.fail(new ReachException(ErrorCode.INTERNAL, "malformed submit reply from the orchestrator"));
      return;
    }
    ctx.response().putHeader(HttpHeaders.LOCATION, "/api/v1/runs/" + runId);
    JsonResponses.send(ctx, isNew ? 201 : 200, new JsonObject().put("id", runId));
  }
}
