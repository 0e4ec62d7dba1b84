package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /admin/api/runs/:id/state}: dump-state — the run and job rows, attempts, leases with
 * their holders and expiries, each holding runner's own view of its leases and buffered reports,
 * and the run's events. Reads only; environment values are masked.
 */
final class RunStateHandler implements Handler<RoutingContext> {
  private final OrchestratorClient orchestrator;

  RunStateHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!RunIds.isRunId(id)) {
      throw new ReachException(ErrorCode.RUN_NOT_FOUND, "no run with id " + id);
    }
    orchestrator.runState(id).onSuccess(state -> JsonResponses.send(ctx, 200, state)).onFailure(ctx::fail);
  }
}
