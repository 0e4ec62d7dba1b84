package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/dead-letters/:jobId/requeue}: a new run that retries the quarantined job
 * (the orchestrator links it to the old one and appends an event; history is never edited).
 * {@code 201 {"run_id", "requeue_of", "requeue_of_run"}} with the new run's {@code Location}.
 */
final class RequeueDeadLetterHandler implements Handler<RoutingContext> {
  private final OrchestratorClient orchestrator;

  RequeueDeadLetterHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String jobId = JobIds.require(ctx.pathParam("jobId"));
    orchestrator.requeueDeadLetter(jobId).onSuccess(reply -> respond(ctx, reply)).onFailure(ctx::fail);
  }

  private static void respond(RoutingContext ctx, JsonObject reply) {
    if (!(reply.getValue("run_id") instanceof String runId) || !RunIds.isRunId(runId)) {
      ctx.fail(new ReachException(ErrorCode.INTERNAL, "malformed requeue reply from the orchestrator"));
      return;
    }
    ctx.response().putHeader(HttpHeaders.LOCATION, "/api/v1/runs/" + runId);
    JsonResponses.send(ctx, 201, reply);
  }
}
