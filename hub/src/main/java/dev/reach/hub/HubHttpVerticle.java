package dev.reach.hub;

import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.health.Lifecycle;
import dev.reach.shared.http.InFlightRequests;
import dev.reach.shared.http.UnservedConnections;
import dev.reach.shared.node.ReachNode;
import dev.reach.shared.tls.TlsOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The hub's HTTP server: the API, health endpoints and start page on {@code REACH_HTTP_HOST:REACH_HTTP_PORT};
 * HTTPS when {@code REACH_HTTP_TLS_CERT} and {@code REACH_HTTP_TLS_KEY} are set.
 *
 * <p>Stopping drains: the requests in flight finish (new work is already refused with
 * {@code 503 SHUTTING_DOWN} by the lifecycle moving to {@code DRAINING}, followed logs end), for at
 * most {@code REACH_DRAIN_TIMEOUT_MS}; then the server shuts down: no new connections, idle ones closed.
 */
final class HubHttpVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(HubHttpVerticle.class.getName());
  private final ReachNode node;
  private final OrchestratorClient orchestrator;
  private final ArtifactStoreClient artifacts;
  private final Lifecycle lifecycle;
  private final int port;
  private final TokenAuth auth;
  private final Supplier<JsonObject> worker;
  private final QueueHistory queueHistory;
  private final LogStreamStats logStreamStats;
  private final DeploymentDrains drains;
  /** At most this long a stop waits for a turn with no accepted connection still to send its request. */
  private static final long UNSERVED_WAIT_MS = 2_000;
  private final InFlightRequests inFlight = new InFlightRequests();
  private final UnservedConnections unserved = new UnservedConnections();
  private LogHandler logs;
  private HttpServer server;
  private io.vertx.ext.web.Router router;

  /** {@code port} is a fixed port (see {@code ListenPort}), so a restarted worker joins the same one. */
  HubHttpVerticle(ReachNode node, OrchestratorClient orchestrator, ArtifactStoreClient artifacts, Lifecycle lifecycle,
      int port, TokenAuth auth, Supplier<JsonObject> worker, QueueHistory queueHistory, LogStreamStats logStreamStats,
      DeploymentDrains drains) {
    this.node = node;
    this.drains = drains;
    this.logStreamStats = logStreamStats;
    this.queueHistory = queueHistory;
    this.port = port;
    this.auth = auth;
    this.worker = worker;
    this.orchestrator = orchestrator;
    this.artifacts = artifacts;
    this.lifecycle = lifecycle;
  }

  @Override
  public Future<?> start() {
    ReachConfig cfg = node.config();
    logs = new LogHandler(vertx, orchestrator, artifacts, lifecycle::isDraining, logStreamStats);
    HttpServerOptions options = TlsOptions.httpServer(new HttpServerOptions()
        .setHost(cfg.httpHost())
        .setPort(port)
        // HTTP/1.1 only: without h2c detection every accepted connection is an HTTP connection at
        // once, so a stop closes a connection that never sent a request instead of waiting for it
        .setHttp2ClearTextEnabled(false), cfg.tls());
    String scheme = cfg.tls().httpTls() ? "https" : "http";
    router = HubRouter.create(vertx, node, logs, orchestrator, lifecycle, inFlight, auth, worker, queueHistory);
    drains.join(context.deploymentID(), inFlight);
    return unserved.attach(vertx.createHttpServer(options))
        .invalidRequestHandler(unserved.served(InvalidRequests::handle))
        .requestHandler(unserved.served(router))
        .listen()
        .onSuccess(s -> {
          server = s;
          LOG.info("hub listening on " + scheme + "://" + cfg.httpHost() + ":" + s.actualPort() + "/");
        });
  }

  @Override
  public Future<?> stop() {
    if (server == null) {
      return Future.succeededFuture();
    }
    long drainMs = node.config().drainTimeoutMs();
    long started = System.nanoTime();
    // this instance's requests, then every other instance's of this deployment: until the last is answered
    // they all keep serving the port, so a connection accepted meanwhile is answered whichever gets it
    return inFlight.idle(vertx, drainMs)
        .compose(v -> drains.idle(vertx, context.deploymentID(), remaining(drainMs, started)))
        .compose(v -> {
          if (inFlight.active() > 0) {
            LOG.warning("hub: " + inFlight.active() + " request(s) still running after the drain timeout"
                + " (REACH_DRAIN_TIMEOUT_MS=" + drainMs + "); closing their connections");
          }
          // a connection accepted a moment ago whose request is not read yet would be closed unanswered:
          // shut down in a turn where there is none (a restart's new worker shares the port meanwhile)
          return unserved.none(vertx, Math.min(UNSERVED_WAIT_MS, remaining(drainMs, started)), 5)
              .compose(x -> server.shutdown(remaining(drainMs, started), TimeUnit.MILLISECONDS));
        });
  }

  private static long remaining(long drainMs, long startedNanos) {
    return Math.max(0, drainMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
  }

  int actualPort() {
    return server.actualPort();
  }

  /** The routes this worker serves (for the test holding the OpenAPI document to them). */
  java.util.List<io.vertx.ext.web.Route> routes() {
    return router.getRoutes();
  }

}
