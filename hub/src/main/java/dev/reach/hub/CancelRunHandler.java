package dev.reach.hub;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /api/v1/runs/:id/cancel}: the orchestrator's answer {@code {"id","state","cancelled_jobs"}}, passed through. */
final class CancelRunHandler implements Handler<RoutingContext> {
  private final OrchestratorClient orchestrator;

  CancelRunHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String id = RunIds.require(ctx.pathParam("id"));
    ApiRole role = ctx.get(TokenAuth.ROLE);
    orchestrator.cancelRun(id, role == null ? null : role.wire(), ctx.get(TokenAuth.TOKEN_ID)).onSuccess(reply -> JsonResponses.send(ctx, 200, reply)).onFailure(ctx::fail);
  }
}
