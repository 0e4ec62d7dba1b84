package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/dead-letters/:jobId/requeue} and {@code POST /admin/api/dead-letters/:jobId/requeue}
 * with an optional body {@code {"reason": "..."}}: a new run that retries the quarantined job (the
 * orchestrator links it to the old one and appends a {@code dead_letter_requeued} event naming the
 * actor — the admin token on the admin route, {@code anonymous} on the public one — and the reason;
 * history is never edited). {@code 201 {"run_id", "requeue_of", "requeue_of_run"}} with the new
 * run's {@code Location}.
 */
final class RequeueDeadLetterHandler implements Handler<RoutingContext> {
  private final OrchestratorClient orchestrator;

  RequeueDeadLetterHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  private static final java.util.Set<String> FIELDS = java.util.Set.of("reason");

  @Override
  public void handle(RoutingContext ctx) {
    String jobId = JobIds.require(ctx.pathParam("jobId"));
    io.vertx.core.buffer.Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    JsonObject body = raw == null || raw.length() == 0 ? new JsonObject() : JsonBody.object(ctx);
    JsonBody.requireOnly(body, FIELDS);
    String reason = ReasonField.read(body, false, "say why the job is requeued");
    String actor = ctx.get(TokenAuth.PRINCIPAL);
    orchestrator.requeueDeadLetter(jobId, actor, reason).onSuccess(reply -> respond(ctx, reply)).onFailure(ctx::fail);
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
