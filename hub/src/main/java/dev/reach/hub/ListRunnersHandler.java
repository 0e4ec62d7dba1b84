package dev.reach.hub;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/v1/runners}: the orchestrator's runner list, passed through. */
final class ListRunnersHandler implements Handler<RoutingContext> {
  private final OrchestratorClient orchestrator;

  ListRunnersHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    orchestrator.listRunners().onSuccess(reply -> JsonResponses.send(ctx, 200, reply)).onFailure(ctx::fail);
  }
}
