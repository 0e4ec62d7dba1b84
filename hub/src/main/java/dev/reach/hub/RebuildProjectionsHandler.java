package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code POST /admin/api/projections/rebuild {"dry_run"?: false, "reason": "..."}}: the orchestrator
 * rebuilds runs, jobs, attempts and dead letters from the event log and swaps the differing rows in
 * while transitions are held back (with {@code dry_run}: only reports the differences, row by row).
 * A real rebuild needs a reason; both append an event naming the token and the reason. {@code 200}
 * with the report; {@code 409 PROJECTION_REBUILD_BUSY} (retryable) while another one runs.
 */
final class RebuildProjectionsHandler implements Handler<RoutingContext> {
  private static final Set<String> FIELDS = Set.of("dry_run", "reason");

  private final OrchestratorClient orchestrator;

  RebuildProjectionsHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject body = JsonBody.object(ctx);
    JsonBody.requireOnly(body, FIELDS);
    Object dry = body.getValue("dry_run", false);
    if (!(dry instanceof Boolean dryRun)) {
      throw new ReachException(ErrorCode.INVALID_REQUEST, "field 'dry_run' must be true or false", "dry_run");
    }
    String reason = ReasonField.read(body, !dryRun, "say why the projections are rebuilt");
    orchestrator.rebuildProjections(dryRun, ctx.get(TokenAuth.PRINCIPAL), ctx.get(TokenAuth.TOKEN_ID), reason)
        .onSuccess(report -> JsonResponses.send(ctx, 200, report))
        .onFailure(ctx::fail);
  }
}
