package dev.reach.hub;

import dev.reach.shared.health.Lifecycle;
import dev.reach.shared.http.InFlightRequests;
import dev.reach.shared.metrics.ReachMetrics;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The hub's routes: the API under {@code /api/v1}, the health endpoints, {@code /metrics} and the start page. Every
 * request is counted in flight; every route that starts new work passes the {@link ShutdownGate}
 * first.
 */
final class HubRouter {
  private HubRouter() {}

  static Router create(Vertx vertx, ReachNode node, LogHandler logs, OrchestratorClient orchestrator,
      Lifecycle lifecycle, InFlightRequests inFlight) {
    long maxBody = node.config().maxBodyBytes();
    FailureHandler failures = new FailureHandler(maxBody);
    ShutdownGate gate = new ShutdownGate(lifecycle);
    Router router = Router.router(vertx);
    router.route().handler(inFlight);

    // The body limit sits on the route that reads a body; a method-bound catch-all would turn unknown paths into 405.
    router.post("/api/v1/runs")
        .handler(gate)
        .handler(BodyHandler.create(false).setBodyLimit(maxBody))
        .handler(new SubmitRunHandler(orchestrator));
    router.get("/api/v1/runs").handler(new ListRunsHandler(orchestrator));
    router.get("/api/v1/runs/:id").handler(new GetRunHandler(orchestrator));
    router.post("/api/v1/runs/:id/cancel").handler(gate).handler(new CancelRunHandler(orchestrator));
    router.get("/api/v1/runs/:id/jobs/:name/log").handler(logs);
    router.get("/api/v1/runners").handler(new ListRunnersHandler(orchestrator));
    router.get("/api/v1/dead-letters").handler(new ListDeadLettersHandler(orchestrator));
    router.get("/api/v1/dead-letters/:jobId").handler(new GetDeadLetterHandler(orchestrator));
    router.post("/api/v1/dead-letters/:jobId/requeue").handler(gate).handler(new RequeueDeadLetterHandler(orchestrator));

    node.health().mount(router);
    ReachMetrics.of(vertx).mount(router);
    router.get("/").handler(StaticHandler.create("webroot").setCachingEnabled(false));

    router.route().failureHandler(failures);
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, failures);
    }
    return router;
  }
}
