package dev.reach.artifacts;

import dev.reach.shared.db.Db;
import dev.reach.shared.db.DbHealth;
import dev.reach.shared.db.Migrator;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The artifact store: attempt logs (append by offset, cap, seal) and content-addressed artifact
 * files with their metadata, served over HTTP ({@code /v1/logs}, {@code /v1/artifacts}, health)
 * and the event bus ({@code ARTIFACT_ENDPOINT}, {@code LOG_READ}, {@code ARTIFACT_LIST}).
 */
public final class ArtifactStoreService {
  /** Readiness check names on the node's health registry. */
  public static final String DB_CHECK = "artifact-store-db";
  public static final String DISK_CHECK = "artifact-store-disk";

  private final ReachNode node;
  private final Db db;
  private final ArtifactStoreVerticle verticle;
  private final String deploymentId;

  private ArtifactStoreService(ReachNode node, Db db, ArtifactStoreVerticle verticle, String deploymentId) {
    this.node = node;
    this.db = db;
    this.verticle = verticle;
    this.deploymentId = deploymentId;
  }

  /**
   * Prepares the artifact directory, migrates the schema, deploys the HTTP and event-bus
   * verticle and registers readiness checks (database, disk).
   */
  public static Future<ArtifactStoreService> deploy(ReachNode node) {
    Vertx vertx = node.vertx();
    StoreLayout layout = new StoreLayout(node.config().artifactDir());
    Db db = Db.create(vertx, node.config());
    ArtifactStoreVerticle verticle = new ArtifactStoreVerticle(node, db, layout);
    return vertx.executeBlocking(layout::prepare)
        .compose(v -> Future.<Migrator>future(p -> p.complete(Migrator.fromClasspath()))
            .compose(m -> m.migrate(db.pool())))
        .compose(n -> vertx.deployVerticle(verticle))
        .map(id -> {
          node.health()
              .readiness(DB_CHECK, DbHealth.procedure(db))
              .readiness(DISK_CHECK, DiskHealth.procedure(vertx, layout));
          return new ArtifactStoreService(node, db, verticle, id);
        })
        .recover(t -> db.close().transform(x -> Future.failedFuture(t)));
  }

  /** The port the HTTP API listens on (the actual one when configured as 0). */
  public int httpPort() {
    return verticle.actualPort();
  }

  /** The URL runners and the hub use: {@code REACH_ARTIFACT_URL}, else the public host and actual port. */
  public String baseUrl() {
    return verticle.baseUrl();
  }

  /** The store's own pool (tests count its round trips). */
  Db db() {
    return db;
  }

  /** Unregisters the readiness checks, stops the HTTP server and consumers, closes the pool. */
  public Future<Void> stop() {
    node.health().ready().unregister(DB_CHECK);
    node.health().ready().unregister(DISK_CHECK);
    return node.vertx().undeploy(deploymentId).transform(ar -> db.close());
  }
}
