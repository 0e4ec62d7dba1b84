package dev.reach.hub;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/runs/:id}: the orchestrator's run view, with each attempt's artifacts made
 * explicit ({@link AttemptArtifacts}: stored with size and sha256, or missing with the reason).
 */
final class GetRunHandler implements Handler<RoutingContext> {
  private final OrchestratorClient orchestrator;

  GetRunHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String id = RunIds.require(ctx.pathParam("id"));
    orchestrator.getRun(id)
        .map(AttemptArtifacts::addTo)
        .onSuccess(run -> JsonResponses.send(ctx, 200, run))
        .onFailure(ctx::fail);
  }
}
