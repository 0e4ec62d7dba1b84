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
 * The hub's routes: the API under {@code /api/v1}, its OpenAPI document ({@code /api/openapi.json}), the health endpoints, {@code /metrics} and the dashboard. Every
 * request is counted in flight; every route that starts new work passes the {@link ShutdownGate}
 * first.
 */
final class HubRouter {
  private HubRouter() {}

  /** The admin API's component for worker restarts: the hub's HTTP worker. */
  static final String WORKER_COMPONENT = "hub.http";

  static Router create(Vertx vertx, ReachNode node, LogHandler logs, OrchestratorClient orchestrator,
      Lifecycle lifecycle, InFlightRequests inFlight, TokenAuth auth, Supplier<JsonObject> worker,
      QueueHistory queueHistory) {
    long maxBody = node.config().maxBodyBytes();
    FailureHandler failures = new FailureHandler(maxBody);
    JsonLimits jsonLimits = new JsonLimits(node.config().apiLimits().maxJsonDepth(),
        node.config().apiLimits().maxJsonStringChars());
    ShutdownGate gate = new ShutdownGate(lifecycle);
    Router router = Router.router(vertx);
    router.route().handler(inFlight);

    // the OpenAPI document of every route below: open, see OpenApiDocument
    router.get(OpenApiDocument.PATH).handler(QueryParams.only()).handler(OpenApiDocument.load());

    // Every /api/v1 route names the role it needs (viewer < submitter < admin). A route that reads a
    // body reads it before the token is checked: the check is asynchronous and the body would be gone.
    // The body limit sits on the route that reads a body; a method-bound catch-all would turn unknown paths into 405.
    router.post("/api/v1/runs")
        .handler(gate)
        .handler(BodyHandler.create(false).setBodyLimit(maxBody))
        .handler(jsonLimits)
        .handler(auth.require(ApiRole.SUBMITTER))
        .handler(QueryParams.only())
        .handler(new SubmitRunHandler(orchestrator));
    router.get("/api/v1/runs").handler(auth.require(ApiRole.VIEWER)).handler(QueryParams.only("state", "limit"))
        .handler(new ListRunsHandler(orchestrator));
    router.get("/api/v1/runs/:id").handler(auth.require(ApiRole.VIEWER)).handler(QueryParams.only())
        .handler(new GetRunHandler(orchestrator));
    router.post("/api/v1/runs/:id/cancel").handler(gate).handler(auth.require(ApiRole.SUBMITTER))
        .handler(QueryParams.only()).handler(new CancelRunHandler(orchestrator));
    router.get("/api/v1/runs/:id/jobs/:name/log").handler(auth.require(ApiRole.VIEWER))
        .handler(QueryParams.only("attempt", "follow")).handler(logs);
    router.get("/api/v1/runners").handler(auth.require(ApiRole.VIEWER)).handler(QueryParams.only())
        .handler(new ListRunnersHandler(orchestrator));
    router.get("/api/v1/runners/overview").handler(auth.require(ApiRole.VIEWER)).handler(QueryParams.only())
        .handler(new RunnerOverviewHandler(node, orchestrator));
    router.get("/api/v1/dead-letters").handler(auth.require(ApiRole.VIEWER)).handler(QueryParams.only("limit"))
        .handler(new ListDeadLettersHandler(orchestrator));
    router.get("/api/v1/dead-letters/:jobId").handler(auth.require(ApiRole.VIEWER)).handler(QueryParams.only())
        .handler(new GetDeadLetterHandler(orchestrator));
    router.post("/api/v1/dead-letters/:jobId/requeue").handler(gate)
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(jsonLimits)
        .handler(auth.require(ApiRole.ADMIN))
        .handler(QueryParams.only())
        .handler(new RequeueDeadLetterHandler(orchestrator));

    // the admin API: nothing of it (not even which paths exist) without an admin token
    router.post("/admin/api/*").handler(BodyHandler.create(false).setBodyLimit(16 * 1024)).handler(jsonLimits);
    router.put("/admin/api/*").handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(jsonLimits); // a secret's value
    router.route("/admin/api/*").handler(auth.adminApi());
    router.get("/admin/api/system-status").handler(QueryParams.only())
        .handler(new SystemStatusHandler(node, orchestrator));
    router.get("/admin/api/queue-history").handler(QueryParams.only()).handler(new QueueHistoryHandler(queueHistory));
    router.get("/admin/api/worker/status").handler(QueryParams.only()).handler(new WorkerStatusHandler(node, worker));
    router.get("/admin/api/events").handler(QueryParams.only("run", "since"))
        .handler(new EventExportHandler(orchestrator));
    router.post("/admin/api/worker/restart").handler(QueryParams.only())
        .handler(new WorkerRestartHandler(node, WORKER_COMPONENT, worker));
    router.post("/admin/api/projections/rebuild").handler(QueryParams.only())
        .handler(new RebuildProjectionsHandler(orchestrator));
    router.post("/admin/api/drill-events").handler(QueryParams.only()).handler(new DrillEventHandler(orchestrator));
    router.post("/admin/api/backup-events").handler(QueryParams.only()).handler(new BackupEventHandler(orchestrator));
    router.get("/admin/api/runs/:id/state").handler(QueryParams.only()).handler(new RunStateHandler(orchestrator));
    router.post("/admin/api/dead-letters/:jobId/requeue").handler(gate).handler(QueryParams.only())
        .handler(new RequeueDeadLetterHandler(orchestrator));
    TokenHandlers tokens = new TokenHandlers(orchestrator, auth);
    router.post("/admin/api/tokens").handler(QueryParams.only()).handler(tokens::create);
    router.get("/admin/api/tokens").handler(QueryParams.only()).handler(tokens::list);
    router.post("/admin/api/tokens/:id/revoke").handler(QueryParams.only()).handler(tokens::revoke);
    router.get("/admin/api/runner-refusals").handler(QueryParams.only()).handler(tokens::refusals);
    EnvironmentSecretsHandler secrets = new EnvironmentSecretsHandler(orchestrator);
    router.put("/admin/api/environments/:env/secrets/:name").handler(QueryParams.only()).handler(secrets::set);
    router.get("/admin/api/environments/:env/secrets").handler(QueryParams.only()).handler(secrets::list);
    router.delete("/admin/api/environments/:env/secrets/:name").handler(QueryParams.only()).handler(secrets::delete);

    node.health().mount(router);
    ReachMetrics.of(vertx).mount(router);
    // UTF-8 whatever the JVM's default charset (a service started with a bare environment has ASCII)
    StaticHandler webroot = StaticHandler.create("webroot").setCachingEnabled(false).setDefaultContentEncoding("UTF-8");
    router.get("/").handler(webroot);
    // sent as a file: the StaticHandler on this exact route answered a query string (?v=2) with a 301 to
    // /reach-api.js/, a path that does not exist (found by OpenApiDocumentTest)
    router.get("/reach-api.js").handler(ctx -> ctx.response()
        .putHeader(io.vertx.core.http.HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8")
        .putHeader(io.vertx.core.http.HttpHeaders.CACHE_CONTROL, "no-cache")
        .sendFile("webroot/reach-api.js")
        .onFailure(ctx::fail));
    // the dashboard's modules and style sheet: a wildcard route hands StaticHandler the path after its prefix
    router.get("/ui/*").handler(StaticHandler.create("webroot/ui").setCachingEnabled(false)
        .setDefaultContentEncoding("UTF-8"));

    router.route().failureHandler(failures);
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, failures);
    }
    return router;
  }
}
