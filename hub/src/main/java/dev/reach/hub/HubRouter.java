package dev.reach.hub;

import dev.reach.shared.health.Lifecycle;
import dev.reach.shared.http.InFlightRequests;
import dev.reach.shared.metrics.ReachMetrics;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
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

  /** The admin API's component for worker restarts: the hub's HTTP worker. */
  static final String WORKER_COMPONENT = "hub.http";

  static Router create(Vertx vertx, ReachNode node, LogHandler logs, OrchestratorClient orchestrator,
      Lifecycle lifecycle, InFlightRequests inFlight, AdminAuth adminAuth, Supplier<JsonObject> worker) {
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
    router.post("/api/v1/dead-letters/:jobId/requeue").handler(gate)
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(new RequeueDeadLetterHandler(orchestrator));

    // the admin API: nothing of it (not even which paths exist) without an admin token
    // (a body is read before the token is checked: the check is asynchronous and the body would be gone)
    router.post("/admin/api/*").handler(BodyHandler.create(false).setBodyLimit(16 * 1024));
    router.put("/admin/api/*").handler(BodyHandler.create(false).setBodyLimit(64 * 1024)); // a secret's value
    router.route("/admin/api/*").handler(adminAuth);
    router.get("/admin/api/system-status").handler(new SystemStatusHandler(node, orchestrator));
    router.get("/admin/api/worker/status").handler(new WorkerStatusHandler(node, worker));
    router.get("/admin/api/events").handler(new EventExportHandler(orchestrator));
    router.post("/admin/api/worker/restart").handler(new WorkerRestartHandler(node, WORKER_COMPONENT, worker));
    router.post("/admin/api/projections/rebuild").handler(new RebuildProjectionsHandler(orchestrator));
    router.post("/admin/api/drill-events").handler(new DrillEventHandler(orchestrator));
    router.get("/admin/api/runs/:id/state").handler(new RunStateHandler(orchestrator));
    EnvironmentSecretsHandler secrets = new EnvironmentSecretsHandler(orchestrator);
    router.put("/admin/api/environments/:env/secrets/:name").handler(secrets::set);
    router.get("/admin/api/environments/:env/secrets").handler(secrets::list);
    router.delete("/admin/api/environments/:env/secrets/:name").handler(secrets::delete);
    router.post("/admin/api/dead-letters/:jobId/requeue").handler(gate).handler(new RequeueDeadLetterHandler(orchestrator));

    node.health().mount(router);
    ReachMetrics.of(vertx).mount(router);
    StaticHandler webroot = StaticHandler.create("webroot").setCachingEnabled(false);
    router.get("/").handler(webroot);
    router.get("/reach-api.js").handler(webroot);

    router.route().failureHandler(failures);
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, failures);
    }
    return router;
  }
}
