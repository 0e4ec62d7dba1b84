package dev.reach.hub;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/v1/runs/:id/jobs/:name/log[?attempt=N][&follow=true]}: starts a {@link LogStream}. */
final class LogHandler implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final OrchestratorClient orchestrator;
  private final ArtifactStoreClient store;
  private final LogStreamStats stats = new LogStreamStats();

  LogHandler(Vertx vertx, OrchestratorClient orchestrator, ArtifactStoreClient store) {
    this.vertx = vertx;
    this.orchestrator = orchestrator;
    this.store = store;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String runId = RunIds.require(ctx.pathParam("id"));
    String jobName = ctx.pathParam("name");
    Integer attempt = QueryParams.optionalInt(ctx, "attempt", 1, Integer.MAX_VALUE);
    boolean follow = QueryParams.optionalBoolean(ctx, "follow");
    new LogStream(vertx, ctx, orchestrator, store, runId, jobName, attempt, follow, stats).start();
  }

  LogStreamStats stats() {
    return stats;
  }
}
