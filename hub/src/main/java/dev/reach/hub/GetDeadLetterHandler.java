package dev.reach.hub;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/dead-letters/:jobId}: one dead letter (spec, attempts and why each was lost,
 * requeued runs), passed through; an unknown job is the orchestrator's {@code DEAD_LETTER_NOT_FOUND}.
 */
final class GetDeadLetterHandler implements Handler<RoutingContext> {
  private final OrchestratorClient orchestrator;

  GetDeadLetterHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String jobId = JobIds.require(ctx.pathParam("jobId"));
    orchestrator.getDeadLetter(jobId).onSuccess(letter -> JsonResponses.send(ctx, 200, letter)).onFailure(ctx::fail);
  }
}
