package dev.reach.artifacts;

import dev.reach.shared.alert.Alerts;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.DbSignals;
import dev.reach.shared.db.DbHealth;
import dev.reach.shared.breaker.BreakerStateFile;
import dev.reach.shared.db.Migrator;
import dev.reach.shared.health.Lifecycle;
import dev.reach.shared.health.LifecycleState;
import dev.reach.shared.metrics.ReachMetrics;
import dev.reach.shared.node.ReachNode;
import dev.reach.shared.heal.VerticleSupervisor;
import dev.reach.shared.health.DeepChecks;
import dev.reach.shared.http.ListenPort;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The artifact store: attempt logs (append by offset, cap, seal) and content-addressed artifact
 * files with their metadata, served over HTTP ({@code /v1/logs}, {@code /v1/artifacts}, health)
 * and the event bus ({@code ARTIFACT_ENDPOINT}, {@code LOG_READ}, {@code ARTIFACT_LIST}). Every
 * write is fenced by the attempt's lease ({@link LeaseFence}).
 *
 * <p>Its lifecycle ({@code artifact-store} in {@code /health/ready}) is {@code STARTING} until
 * deployed, then {@code HEALTHY}; {@link #stop()} moves it to {@code DRAINING} (not ready, new
 * uploads refused with {@code 503 SHUTTING_DOWN}), lets the requests in flight finish, closes the
 * connections, and ends {@code STOPPED}.
 */
public final class ArtifactStoreService {
  /** Readiness check names on the node's health registry. */
  public static final String DB_CHECK = "artifact-store-db";
  public static final String DISK_CHECK = "artifact-store-disk";
  /** The service's name in its lifecycle (and readiness check {@code lifecycle.artifact-store}). */
  public static final String SERVICE = "artifact-store";

  private final ReachNode node;
  private final Db db;
  /** Watchdog component name of the store's HTTP and event-bus verticle. */
  public static final String COMPONENT = "artifact-store.http";
  private final VerticleSupervisor<ArtifactStoreVerticle> verticle;
  private final String deploymentId;
  private final Lifecycle lifecycle;
  private final Alerts alerts;
  private final DiskPressure disk;
  private final int port;
  private final String baseUrl;
  private Future<Void> stopped;

  private ArtifactStoreService(ReachNode node, Db db, VerticleSupervisor<ArtifactStoreVerticle> verticle,
      String deploymentId, Lifecycle lifecycle, Alerts alerts, DiskPressure disk) {
    this.alerts = alerts;
    this.disk = disk;
    // fixed for the service's life: a restarted verticle joins the same port
    this.port = verticle.instances().get(0).actualPort();
    this.baseUrl = verticle.instances().get(0).baseUrl();
    this.node = node;
    this.db = db;
    this.verticle = verticle;
    this.deploymentId = deploymentId;
    this.lifecycle = lifecycle;
  }

  /**
   * Prepares the artifact directory, migrates the schema, deploys the HTTP and event-bus
   * verticle and registers readiness checks (lifecycle, database, disk).
   */
  public static Future<ArtifactStoreService> deploy(ReachNode node) {
    return deploy(node, DiskPressure.INTERVAL_MS);
  }

  /** As {@link #deploy(ReachNode)}, measuring free disk every {@code diskCheckMs}. */
  static Future<ArtifactStoreService> deploy(ReachNode node, long diskCheckMs) {
    return Alerts.open(node, SERVICE, ManagementFactory.getRuntimeMXBean().getName())
        .compose(alerts -> deploy(node, diskCheckMs, alerts).onFailure(t -> alerts.close()));
  }

  private static Future<ArtifactStoreService> deploy(ReachNode node, long diskCheckMs, Alerts alerts) {
    Vertx vertx = node.vertx();
    Lifecycle lifecycle = node.health().lifecycle(SERVICE, node.clock());
    StoreLayout layout = new StoreLayout(node.config().artifactDir());
    Db db = Db.create(vertx, node.config());
    DbSignals.watch(db, SERVICE, alerts, ReachMetrics.of(vertx));
    dev.reach.shared.alert.HealAlerts.watch(node.watchdog(), alerts, SERVICE);
    DiskPressure disk = new DiskPressure(vertx, layout, node.config().artifactMinFreeDiskBytes(), alerts);
    int port;
    try {
      port = ListenPort.resolve(node.config().httpHost(), node.config().httpPort());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    VerticleSupervisor<ArtifactStoreVerticle> verticle = new VerticleSupervisor<>(vertx, COMPONENT,
        () -> new ArtifactStoreVerticle(node, db, layout, lifecycle, port), new DeploymentOptions(),
        node.config().watchdogStuckMs(),
        () -> db.breaker().isClosed() ? null : "database circuit breaker " + db.breaker().state());
    return vertx.executeBlocking(layout::prepare)
        // a restart into a database that is still down starts with the database breaker open (see DbBreaker)
        .compose(v -> BreakerStateFile.attachAtStart(vertx, node.config().stateDir(), SERVICE, List.of(db.breaker())))
        // like the orchestrators: a slow database at start (a busy machine) gets bounded retries, not a crash
        .compose(v -> Migrator.fromClasspath().migrateAtStart(vertx, db,
            node.config().dbConnectTimeoutMs() + node.config().dbStatementTimeoutMs() * 3, 10))
        .compose(n -> verticle.deploy())
        .map(id -> {
          node.health()
              .readiness(DB_CHECK, DbHealth.procedure(db))
              .readiness(DISK_CHECK, DiskHealth.procedure(vertx, layout));
          node.health()
              .dependency(DeepChecks.database(DB_CHECK, db))
              .dependency(DeepChecks.cluster("cluster", vertx))
              .dependency(DeepChecks.disk(DISK_CHECK, vertx, layout.root(), node.config().artifactMinFreeDiskBytes()))
              .breaker(DB_CHECK, db.breaker()::describe);
          node.watchdog().supervise(verticle);
          node.health().announce();
          disk.start(diskCheckMs);
          lifecycle.moveTo(LifecycleState.HEALTHY, "serving on " + verticle.instances().get(0).baseUrl());
          return new ArtifactStoreService(node, db, verticle, id, lifecycle, alerts, disk);
        })
        .recover(t -> {
          lifecycle.moveTo(LifecycleState.CRASHING, "start failed: " + t.getMessage());
          return db.close().transform(x -> Future.failedFuture(t));
        });
  }

  /** The port the HTTP API listens on (the actual one when configured as 0). */
  public int httpPort() {
    return port;
  }

  /** The URL runners and the hub use: {@code REACH_ARTIFACT_URL}, else the public host and actual port. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The store's lifecycle. */
  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /** The store's alerts (for health and admin output: {@link Alerts#describe()}). */
  public Alerts alerts() {
    return alerts;
  }

  /** The store's own pool (tests count its round trips). */
  Db db() {
    return db;
  }

  /**
   * Drains and stops: {@code DRAINING} (not ready; new uploads answer {@code 503 SHUTTING_DOWN}),
   * the requests in flight finish (at most {@code REACH_DRAIN_TIMEOUT_MS}), the server and the
   * consumers stop, the pool closes, {@code STOPPED}. Calling it again returns the same future.
   */
  public synchronized Future<Void> stop() {
    if (stopped == null) {
      lifecycle.moveTo(LifecycleState.DRAINING, "stop requested");
      node.health().unregister(DB_CHECK);
      node.health().unregister(DISK_CHECK);
      node.watchdog().unsupervise(COMPONENT);
      disk.stop();
      stopped = verticle.undeploy()
          .transform(ar -> db.close())
          .eventually(alerts::close)
          .andThen(ar -> lifecycle.moveTo(LifecycleState.STOPPED, "stopped"));
    }
    return stopped;
  }
}
