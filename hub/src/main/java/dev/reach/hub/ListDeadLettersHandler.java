package dev.reach.hub;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/v1/dead-letters?limit=N}: the orchestrator's list of quarantined jobs, newest first, passed through. */
final class ListDeadLettersHandler implements Handler<RoutingContext> {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  private final OrchestratorClient orchestrator;

  ListDeadLettersHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Integer limit = QueryParams.optionalInt(ctx, "limit", 1, MAX_LIMIT);
    orchestrator.listDeadLetters(limit == null ? DEFAULT_LIMIT : limit)
        .onSuccess(list -> JsonResponses.send(ctx, 200, list))
        .onFailure(ctx::fail);
  }
}
