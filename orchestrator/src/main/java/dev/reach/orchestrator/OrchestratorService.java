package dev.reach.orchestrator;

import dev.reach.orchestrator.api.OrchestratorApi;
import dev.reach.orchestrator.api.ProtocolCounters;
import dev.reach.orchestrator.leader.ExpiryGuard;
import dev.reach.orchestrator.leader.LeaderVerticle;
import dev.reach.orchestrator.leader.OutageState;
import dev.reach.orchestrator.store.DbNow;
import dev.reach.orchestrator.store.DeadLetterStore;
import dev.reach.orchestrator.store.LeaderStore;
import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.orchestrator.store.RunStore;
import dev.reach.orchestrator.store.RunnerStore;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.DbHealth;
import dev.reach.shared.db.Migrator;
import dev.reach.shared.health.Lifecycle;
import dev.reach.shared.health.LifecycleState;
import dev.reach.shared.node.ReachNode;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The orchestrator: applies the migrations, then serves the event-bus API (any instance) and runs
 * the leader-only duties when it holds the leader lock and the leadership epoch.
 */
public final class OrchestratorService {
  private final Vertx vertx;
  private final Db db;
  private final Lifecycle lifecycle;
  private final LeaderVerticle leader;
  private final String leaderDeployment;
  private final String apiDeployment;

  private OrchestratorService(Vertx vertx, Db db, Lifecycle lifecycle, LeaderVerticle leader, String leaderDeployment,
      String apiDeployment) {
    this.vertx = vertx;
    this.db = db;
    this.lifecycle = lifecycle;
    this.leader = leader;
    this.leaderDeployment = leaderDeployment;
    this.apiDeployment = apiDeployment;
  }

  public static Future<OrchestratorService> deploy(ReachNode node) {
    ReachConfig cfg = node.config();
    Vertx vertx = node.vertx();
    Lifecycle lifecycle = node.health().lifecycle("orchestrator", node.clock());
    Db db = Db.create(vertx, cfg);
    node.health().readiness("orchestrator.database", DbHealth.procedure(db));
    if (vertx.isClustered()) {
      node.health().readiness("cluster", ClusterHealthCheck.createProcedure(vertx));
    }
    String nodeId = "orchestrator-" + ManagementFactory.getRuntimeMXBean().getName() + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    long graceMs = cfg.outageRideThroughMs() + cfg.leaseTtlMs();
    OutageState outage = new OutageState(node.clock(), cfg.outageRideThroughMs());
    db.breaker().onChange(state -> {
      if (state == CircuitBreakerState.OPEN) {
        outage.databaseDown();
        lifecycle.moveTo(LifecycleState.UNHEALTHY, "database circuit breaker open");
      } else if (state == CircuitBreakerState.CLOSED) {
        lifecycle.moveTo(LifecycleState.HEALTHY, "database circuit breaker closed");
      }
    });
    RunStore runs = new RunStore(db, DbNow.DATABASE_CLOCK);
    LeaseStore leases = new LeaseStore(db, DbNow.DATABASE_CLOCK, cfg.leaseTtlMs());
    LeaderStore leaderStore = new LeaderStore(db, DbNow.DATABASE_CLOCK);
    ExpiryGuard guard = new ExpiryGuard(cfg.massExpiryShare(), cfg.massExpiryMinLeases(), cfg.clockJumpMs(), graceMs);
    LeaderVerticle leader = new LeaderVerticle(leases, leaderStore, outage,
        new LeaderVerticle.Settings(nodeId, cfg.reaperIntervalMs(), graceMs, guard, () -> System.nanoTime() / 1_000_000,
            cfg.leaseTimings().outageRenewalTryMs()));
    ProtocolCounters counters = new ProtocolCounters();
    DeadLetterStore deadLetters = new DeadLetterStore(db, runs);
    RunnerStore runners = new RunnerStore(db);
    int instances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    List<String> ids = new ArrayList<>();
    return Migrator.fromClasspath().migrateAtStart(vertx, db.pool(), cfg.dbConnectTimeoutMs() + cfg.dbStatementTimeoutMs() * 3, 10)
        .compose(n -> vertx.deployVerticle(() -> new OrchestratorApi(runs, leases, runners, deadLetters, counters,
            () -> status(nodeId, leader, db, outage, counters, lifecycle)), new DeploymentOptions().setInstances(instances)))
        .compose(id -> {
          ids.add(id);
          return vertx.deployVerticle(leader);
        })
        .map(id -> {
          lifecycle.moveTo(LifecycleState.HEALTHY, "serving");
          return new OrchestratorService(vertx, db, lifecycle, leader, id, ids.get(0));
        })
        .onFailure(t -> {
          lifecycle.moveTo(LifecycleState.CRASHING, "start failed: " + t.getMessage());
          db.close();
        });
  }

  private static JsonObject status(String nodeId, LeaderVerticle leader, Db db, OutageState outage,
      ProtocolCounters counters, Lifecycle lifecycle) {
    return new JsonObject()
        .put("node_id", nodeId)
        .put("leader", leader.leading())
        .put("epoch", leader.epoch())
        .put("lifecycle", lifecycle.describe())
        .put("database_breaker", db.breaker().describe())
        .put("outage", outage.describe())
        .put("protocol", counters.describe());
  }

  public Db db() {
    return db;
  }

  public boolean leading() {
    return leader.leading();
  }

  public Long epoch() {
    return leader.epoch();
  }

  /**
   * Orderly stop: DRAINING (not ready), leader duties handed on (the lock is released so another
   * orchestrator takes over at once), then the bus API unregistered, the pool closed, STOPPED.
   */
  public Future<Void> stop() {
    lifecycle.moveTo(LifecycleState.DRAINING, "stopping");
    return vertx.undeploy(leaderDeployment)
        .eventually(() -> vertx.undeploy(apiDeployment))
        .eventually(db::close)
        .onComplete(ar -> lifecycle.moveTo(LifecycleState.STOPPED, "stopped"))
        .mapEmpty();
  }
}
