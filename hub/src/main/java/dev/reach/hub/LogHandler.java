package dev.reach.hub;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/** {@code GET /api/v1/runs/:id/jobs/:name/log[?attempt=N][&follow=true]}: starts a {@link LogStream}. */
final class LogHandler implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final OrchestratorClient orchestrator;
  private final ArtifactStoreClient store;
  private final BooleanSupplier draining;
  private final LogStreamStats stats;

  /** {@code stats}: the hub's, shared by every instance of its HTTP worker. */
  LogHandler(Vertx vertx, OrchestratorClient orchestrator, ArtifactStoreClient store, BooleanSupplier draining,
      LogStreamStats stats) {
    this.vertx = vertx;
    this.stats = stats;
    this.orchestrator = orchestrator;
    this.store = store;
    this.draining = draining;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String runId = RunIds.require(ctx.pathParam("id"));
    String jobName = ctx.pathParam("name");
    Integer attempt = QueryParams.optionalInt(ctx, "attempt", 1, Integer.MAX_VALUE);
    boolean follow = QueryParams.optionalBoolean(ctx, "follow");
    new LogStream(vertx, ctx, orchestrator, store, runId, jobName, attempt, follow, stats, draining).start();
  }

  LogStreamStats stats() {
    return stats;
  }
}
