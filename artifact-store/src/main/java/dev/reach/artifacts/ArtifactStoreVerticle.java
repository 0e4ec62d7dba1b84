package dev.reach.artifacts;

import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.db.Db;
import dev.reach.shared.health.Lifecycle;
import dev.reach.shared.http.InFlightRequests;
import dev.reach.shared.metrics.ReachMetrics;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The artifact store's HTTP API and event-bus consumers on one event loop, which owns the
 * per-log states (one instance per store: appends to a log are serialised there).
 *
 * <p>Stopping drains: the requests in flight finish (new uploads are already refused with
 * {@code 503 SHUTTING_DOWN} by the lifecycle moving to {@code DRAINING}), for at most
 * {@code REACH_DRAIN_TIMEOUT_MS}; then the server shuts down (idle connections closed, no new ones
 * accepted) and the event-bus consumers go.
 */
final class ArtifactStoreVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(ArtifactStoreVerticle.class.getName());
  static final long EVICT_INTERVAL_MS = 10_000;
  static final int IDLE_CONNECTION_SECONDS = 300;

  private final ReachNode node;
  private final Db db;
  private final StoreLayout layout;
  private final Lifecycle lifecycle;
  private final InFlightRequests inFlight = new InFlightRequests();
  private HttpServer server;
  private StoreBusConsumers bus;
  private long evictTimer = -1;
  private volatile int port = -1;
  private volatile String baseUrl;

  private final int listenPort;

  /** {@code listenPort} is fixed (see {@code ListenPort}), so a restarted verticle joins the same port. */
  ArtifactStoreVerticle(ReachNode node, Db db, StoreLayout layout, Lifecycle lifecycle, int listenPort) {
    this.listenPort = listenPort;
    this.node = node;
    this.db = db;
    this.layout = layout;
    this.lifecycle = lifecycle;
  }

  @Override
  public Future<?> start() {
    ReachConfig cfg = node.config();
    ArtifactRepository repo = new ArtifactRepository(db);
    LogStore logs = new LogStore(vertx, layout, repo, new LogCap(cfg.logMaxBytes()));
    BlobStore blobs = new BlobStore(layout);
    ArtifactListing listing = new ArtifactListing(logs, repo);

    Router router = Router.router(vertx);
    router.route().handler(inFlight);
    new ArtifactRoutes(vertx, blobs, repo, listing, lifecycle, cfg.artifactMaxBytes()).mount(router);
    new LogRoutes(logs, cfg.maxBodyBytes()).mount(router);
    node.health().mount(router);
    ReachMetrics.of(vertx).mount(router);
    HttpReplies.mountFailures(router);

    HttpServerOptions options = new HttpServerOptions()
        .setHost(cfg.httpHost())
        .setPort(listenPort)
        .setHandle100ContinueAutomatically(true)
        // HTTP/1.1 only: without h2c detection every accepted connection is an HTTP connection at
        // once, so a stop closes a connection that never sent a request instead of waiting for it
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout(IDLE_CONNECTION_SECONDS)
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    return vertx.createHttpServer(options).requestHandler(router).listen().compose(s -> {
      server = s;
      port = s.actualPort();
      baseUrl = baseUrl(cfg, port);
      Retention retention = new Retention(vertx, db, layout, blobs, logs, node.clock(), cfg.blobGraceMs());
      bus = new StoreBusConsumers(vertx, logs, listing, retention, baseUrl);
      evictTimer = vertx.setPeriodic(EVICT_INTERVAL_MS, id -> logs.evictIdle());
      LOG.info("artifact store on " + baseUrl + " (listening " + cfg.httpHost() + ":" + port + "), data in "
          + layout.root());
      return bus.register();
    });
  }

  @Override
  public Future<?> stop() {
    if (evictTimer >= 0) {
      vertx.cancelTimer(evictTimer);
    }
    long drainMs = node.config().drainTimeoutMs();
    long started = System.nanoTime();
    Future<Void> http = server == null ? Future.succeededFuture() : inFlight.idle(vertx, drainMs).compose(v -> {
      long left = Math.max(0, drainMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      if (inFlight.active() > 0) {
        LOG.warning("artifact store: " + inFlight.active() + " request(s) still running after the drain timeout"
            + " (REACH_DRAIN_TIMEOUT_MS=" + drainMs + "); closing their connections");
      }
      return server.shutdown(left, TimeUnit.MILLISECONDS);
    });
    return http.transform(ar -> bus == null ? Future.succeededFuture() : bus.unregister());
  }

  static String baseUrl(ReachConfig cfg, int actualPort) {
    String configured = cfg.artifactUrl();
    if (configured != null && !configured.isBlank()) {
      return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
    }
    return "http://" + cfg.clusterPublicHost() + ":" + actualPort;
  }

  int actualPort() {
    return port;
  }

  String baseUrl() {
    return baseUrl;
  }
}
