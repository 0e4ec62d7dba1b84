package dev.reach.orchestrator;

import dev.reach.orchestrator.api.OrchestratorApi;
import dev.reach.orchestrator.leader.LeaseReaper;
import dev.reach.orchestrator.store.DbNow;
import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.orchestrator.store.RunStore;
import dev.reach.orchestrator.store.RunnerStore;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.DbHealth;
import dev.reach.shared.db.Migrator;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;
import java.util.ArrayList;
import java.util.List;

/**
 * The orchestrator: applies the migrations, then serves the event-bus API (any instance) and runs
 * the lease reaper when it holds the leader lock.
 */
public final class OrchestratorService {
  private final Vertx vertx;
  private final Db db;
  private final List<String> deployments;

  private OrchestratorService(Vertx vertx, Db db, List<String> deployments) {
    this.vertx = vertx;
    this.db = db;
    this.deployments = deployments;
  }

  public static Future<OrchestratorService> deploy(ReachNode node) {
    Db db = Db.create(node.vertx(), node.config());
    node.health().readiness("orchestrator.database", DbHealth.procedure(db));
    if (node.vertx().isClustered()) {
      node.health().readiness("cluster", ClusterHealthCheck.createProcedure(node.vertx()));
    }
    RunStore runs = new RunStore(db, DbNow.DATABASE_CLOCK);
    LeaseStore leases = new LeaseStore(db, DbNow.DATABASE_CLOCK, node.config().leaseTtlMs());
    RunnerStore runners = new RunnerStore(db);
    List<String> ids = new ArrayList<>();
    Vertx vertx = node.vertx();
    int instances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    return Migrator.fromClasspath().migrate(db.pool())
        .compose(n -> vertx.deployVerticle(() -> new OrchestratorApi(runs, leases, runners), new DeploymentOptions().setInstances(instances)))
        .compose(id -> {
          ids.add(id);
          return vertx.deployVerticle(new LeaseReaper(leases, node.config().reaperIntervalMs()));
        })
        .map(id -> {
          ids.add(id);
          return new OrchestratorService(vertx, db, ids);
        });
  }

  public Db db() {
    return db;
  }

  public Future<Void> stop() {
    List<Future<Void>> all = new ArrayList<>();
    for (String id : deployments) {
      all.add(vertx.undeploy(id));
    }
    return Future.join(all).eventually(() -> db.close()).mapEmpty();
  }
}
