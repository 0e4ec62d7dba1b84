package dev.reach.hub;

import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import java.util.logging.Logger;

/** The hub's HTTP server: the API, health endpoints and start page on {@code REACH_HTTP_HOST:REACH_HTTP_PORT}. */
final class HubHttpVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(HubHttpVerticle.class.getName());
  private final ReachNode node;
  private final OrchestratorClient orchestrator;
  private LogHandler logs;
  private HttpServer server;

  HubHttpVerticle(ReachNode node, OrchestratorClient orchestrator) {
    this.node = node;
    this.orchestrator = orchestrator;
  }

  @Override
  public Future<?> start() {
    ReachConfig cfg = node.config();
    logs = new LogHandler(vertx, orchestrator, new ArtifactStoreClient(vertx, cfg.requestTimeoutMs()));
    return vertx.createHttpServer()
        .requestHandler(HubRouter.create(vertx, node, logs, orchestrator))
        .listen(cfg.httpPort(), cfg.httpHost())
        .onSuccess(s -> {
          server = s;
          LOG.info("hub listening on http://" + cfg.httpHost() + ":" + s.actualPort() + "/");
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  int actualPort() {
    return server.actualPort();
  }

  LogStreamStats logStreamStats() {
    return logs.stats();
  }
}
