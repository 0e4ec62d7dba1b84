package dev.reach.shared.health;

import dev.reach.shared.metrics.ReachMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.logging.Logger;

/** Serves only the health endpoints and {@code /metrics}, for a service that has no HTTP API of its own. */
public final class HealthHttpServer extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(HealthHttpServer.class.getName());
  private final HealthRegistry health;
  private final String host;
  private final int port;
  private HttpServer server;

  public HealthHttpServer(HealthRegistry health, String host, int port) {
    this.health = health;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    health.mount(router);
    ReachMetrics.of(vertx).mount(router);
    return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> {
      server = s;
      LOG.info("health endpoints on http://" + host + ":" + s.actualPort() + "/health/ready");
    });
  }

  public int actualPort() {
    return server.actualPort();
  }
}
