package dev.reach.orchestrator;

import dev.reach.orchestrator.admin.FirstAdminToken;
import dev.reach.orchestrator.admin.RunnerAdmission;
import dev.reach.orchestrator.api.AdminBusApi;
import dev.reach.orchestrator.api.EventsBusApi;
import dev.reach.orchestrator.api.OrchestratorApi;
import dev.reach.orchestrator.api.SecretsBusApi;
import dev.reach.orchestrator.api.ProtocolCounters;
import dev.reach.orchestrator.leader.ExpiryGuard;
import dev.reach.orchestrator.leader.LeaderAlerts;
import dev.reach.orchestrator.leader.SignalSampler;
import dev.reach.orchestrator.leader.LeaderVerticle;
import dev.reach.orchestrator.leader.RetentionVerticle;
import dev.reach.orchestrator.leader.SealerVerticle;
import dev.reach.orchestrator.leader.OutageState;
import dev.reach.orchestrator.secrets.EnvironmentSecretStore;
import dev.reach.orchestrator.secrets.SecretCipher;
import dev.reach.orchestrator.store.AdminStore;
import dev.reach.orchestrator.store.DbNow;
import dev.reach.orchestrator.store.DeadLetterStore;
import dev.reach.orchestrator.store.EventChainStore;
import dev.reach.orchestrator.store.LeaderStore;
import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.orchestrator.store.ProjectionRebuild;
import dev.reach.orchestrator.store.RunStateStore;
import dev.reach.orchestrator.store.RetentionStore;
import dev.reach.orchestrator.store.RunStore;
import dev.reach.orchestrator.store.RunnerStore;
import dev.reach.orchestrator.store.SignalStore;
import dev.reach.shared.alert.Alerts;
import dev.reach.shared.alert.HealAlerts;
import dev.reach.shared.auth.TokenHash;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.DbHealth;
import dev.reach.shared.db.DbSignals;
import dev.reach.shared.breaker.BreakerStateFile;
import dev.reach.shared.db.Migrator;
import dev.reach.shared.heal.VerticleSupervisor;
import dev.reach.shared.health.DeepChecks;
import dev.reach.shared.health.Lifecycle;
import dev.reach.shared.health.LifecycleState;
import dev.reach.shared.metrics.ReachMetrics;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The orchestrator: applies the migrations, then serves the event-bus API (any instance) and runs
 * the leader-only duties when it holds the leader lock and the leadership epoch.
 */
public final class OrchestratorService {
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(OrchestratorService.class.getName());
  /** Watchdog component names. */
  public static final String API_COMPONENT = "orchestrator.api";
  public static final String LEADER_COMPONENT = "orchestrator.leader";
  /** Readiness, deep-health and breaker name of the orchestrator's database. */
  public static final String DB_CHECK = "orchestrator.database";
  /** The service's name in its lifecycle, its alerts ({@code alerts-orchestrator.json}) and its metrics. */
  public static final String SERVICE = "orchestrator";

  private final ReachNode node;
  private final Db db;
  private final Lifecycle lifecycle;
  private final AtomicReference<LeaderVerticle> leader;
  private final VerticleSupervisor<LeaderVerticle> leaderSupervisor;
  private final VerticleSupervisor<OrchestratorApi> apiSupervisor;
  private final String adminDeployment;
  private final String retentionDeployment;
  private final Alerts alerts;
  private final String samplerDeployment;
  /** The event chain's verticles (export pages; the sealer unless REACH_SEAL_INTERVAL_MS is 0), undeployed first. */
  private final List<String> chainDeployments;

  private OrchestratorService(ReachNode node, Db db, Lifecycle lifecycle, AtomicReference<LeaderVerticle> leader,
      VerticleSupervisor<LeaderVerticle> leaderSupervisor, VerticleSupervisor<OrchestratorApi> apiSupervisor,
      String adminDeployment, String retentionDeployment, Alerts alerts, String samplerDeployment,
      List<String> chainDeployments) {
    this.node = node;
    this.chainDeployments = List.copyOf(chainDeployments);
    this.alerts = alerts;
    this.samplerDeployment = samplerDeployment;
    this.db = db;
    this.lifecycle = lifecycle;
    this.leader = leader;
    this.leaderSupervisor = leaderSupervisor;
    this.apiSupervisor = apiSupervisor;
    this.adminDeployment = adminDeployment;
    this.retentionDeployment = retentionDeployment;
  }

  public static Future<OrchestratorService> deploy(ReachNode node) {
    String nodeId = "orchestrator-" + ManagementFactory.getRuntimeMXBean().getName() + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    // the alert state is read first: a database outage from the first second on must be alertable
    return Alerts.open(node, SERVICE, nodeId).compose(alerts -> deploy(node, nodeId, alerts)
        .onFailure(t -> alerts.close()));
  }

  private static Future<OrchestratorService> deploy(ReachNode node, String nodeId, Alerts alerts) {
    ReachConfig cfg = node.config();
    Vertx vertx = node.vertx();
    ReachMetrics metrics = ReachMetrics.of(vertx);
    Lifecycle lifecycle = node.health().lifecycle(SERVICE, node.clock());
    lifecycle.identify(nodeId);
    warnIfTimeoutsCollide(cfg);
    Db db = Db.create(vertx, cfg);
    node.health().readiness(DB_CHECK, DbHealth.procedure(db));
    if (vertx.isClustered()) {
      node.health().readiness("cluster", ClusterHealthCheck.createProcedure(vertx));
    }
    node.health()
        .dependency(DeepChecks.database(DB_CHECK, db))
        .dependency(DeepChecks.cluster("cluster", vertx))
        .breaker(DB_CHECK, db.breaker()::describe);
    long graceMs = cfg.outageRideThroughMs() + cfg.leaseTtlMs();
    OutageState outage = new OutageState(node.clock(), cfg.outageRideThroughMs());
    DbSignals.watch(db, SERVICE, alerts, metrics);
    HealAlerts.watch(node.watchdog(), alerts, SERVICE);
    db.breaker().onChange(state -> {
      if (state == CircuitBreakerState.OPEN) {
        outage.databaseDown();
        lifecycle.moveTo(LifecycleState.UNHEALTHY, "database circuit breaker open");
      } else if (state == CircuitBreakerState.CLOSED) {
        lifecycle.moveTo(LifecycleState.HEALTHY, "database circuit breaker closed");
      }
    });
    ProtocolCounters counters = new ProtocolCounters(metrics);
    SecretCipher secretCipher = new SecretCipher(cfg.secrets());
    RunStore runs = new RunStore(db, DbNow.DATABASE_CLOCK, secretCipher);
    LeaseStore leases = new LeaseStore(db, DbNow.DATABASE_CLOCK, cfg.leaseTtlMs(), counters, secretCipher);
    LeaderStore leaderStore = new LeaderStore(db, DbNow.DATABASE_CLOCK);
    ExpiryGuard guard = new ExpiryGuard(cfg.massExpiryShare(), cfg.massExpiryMinLeases(), cfg.clockJumpMs(), graceMs);
    AtomicReference<LeaderVerticle> leader = new AtomicReference<>();
    LeaderAlerts leaderAlerts = new LeaderAlerts(alerts, cfg.alertLeaderMissingMs());
    // a component waiting on the database is left to the database's breaker, not restarted
    Supplier<String> databaseDown = () -> db.breaker().isClosed() ? null
        : "database circuit breaker " + db.breaker().state();
    AdminStore admin = new AdminStore(db);
    RunnerAdmission admission = new RunnerAdmission(admin, cfg.auth().enabled(), node.clock());
    if (!cfg.auth().enabled()) {
      LOG.warning("REACH_AUTH is off: any runner on the event bus gets work, and the public API needs no token");
    }
    VerticleSupervisor<LeaderVerticle> leaderSupervisor = new VerticleSupervisor<>(vertx, LEADER_COMPONENT, () -> {
      LeaderVerticle l = new LeaderVerticle(leases, leaderStore, outage, new LeaderVerticle.Settings(nodeId,
          cfg.reaperIntervalMs(), graceMs, guard, () -> System.nanoTime() / 1_000_000,
          cfg.leaseTimings().outageRenewalTryMs()), leaderAlerts).admitting(admission);
      leader.set(l);
      return l;
    }, new DeploymentOptions(), cfg.watchdogStuckMs(), databaseDown);
    SignalSampler sampler = new SignalSampler(new SignalStore(db, DbNow.DATABASE_CLOCK),
        () -> leader.get() != null && leader.get().leading(), alerts, metrics,
        new SignalSampler.Settings(cfg.metricsSampleMs(), cfg.runnerAliveWindowMs()));
    DeadLetterStore deadLetters = new DeadLetterStore(db, runs);
    RunnerStore runners = new RunnerStore(db);
    // retention is off when REACH_RETENTION_MS is 0
    RetentionVerticle retention = cfg.retentionMs() <= 0 ? null : new RetentionVerticle(
        new RetentionStore(db, DbNow.DATABASE_CLOCK),
        new RetentionVerticle.Settings(cfg.retentionMs(), cfg.retentionIntervalMs(), cfg.requestTimeoutMs(),
            () -> leader.get() == null ? null : leader.get().epoch()));
    EventChainStore chain = new EventChainStore(db);
    // sealing is off when REACH_SEAL_INTERVAL_MS is 0 (the benchmark's baseline)
    SealerVerticle sealer = cfg.sealIntervalMs() <= 0 ? null : new SealerVerticle(chain,
        new SealerVerticle.Settings(cfg.sealIntervalMs(), cfg.sealBatch(),
            () -> leader.get() == null ? null : leader.get().epoch()));
    List<String> chainIds = new ArrayList<>();
    int instances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    VerticleSupervisor<OrchestratorApi> apiSupervisor = new VerticleSupervisor<>(vertx, API_COMPONENT,
        () -> new OrchestratorApi(runs, leases, runners, deadLetters, counters,
            () -> status(nodeId, leader.get(), retention, db, outage, counters, lifecycle, alerts)
                .put("sealer", sealer == null ? new JsonObject().put("enabled", false) : sealer.describe()),
            admission),
        new DeploymentOptions().setInstances(instances), cfg.watchdogStuckMs(), databaseDown);
    List<String> ids = new ArrayList<>();
    // a restart into a database that is still down starts with the database breaker open (see DbBreaker)
    return BreakerStateFile.attachAtStart(vertx, cfg.stateDir(), SERVICE, List.of(db.breaker()))
        .compose(v -> Migrator.fromClasspath().migrateAtStart(vertx, db,
            cfg.dbConnectTimeoutMs() + cfg.dbStatementTimeoutMs() * 3, 10))
        .compose(n -> FirstAdminToken.ensure(admin, cfg.adminToken(), System.out))
        .compose(v -> cfg.auth().runnerJoinToken() == null ? Future.<Boolean>succeededFuture(false)
            : admin.ensureJoinToken(TokenHash.sha256(cfg.auth().runnerJoinToken())))
        .compose(v -> apiSupervisor.deploy())
        .compose(id -> leaderSupervisor.deploy())
        .compose(id -> vertx.deployVerticle(new AdminBusApi(admin, cfg.runnerAliveWindowMs(), counters,
            new ProjectionRebuild(db, ProjectionRebuild.Settings.DEFAULTS), new RunStateStore(db),
            Math.min(cfg.requestTimeoutMs(), 3_000), alerts)))
        .compose(id -> {
          ids.add(id);
          return vertx.deployVerticle(sampler);
        })
        .compose(id -> {
          ids.add(id);
          return retention == null ? Future.<String>succeededFuture(null) : vertx.deployVerticle(retention);
        })
        .compose(id -> vertx.deployVerticle(new EventsBusApi(chain, counters)).map(chainId -> {
          chainIds.add(chainId);
          return id;
        }))
        .compose(id -> vertx.deployVerticle(new SecretsBusApi(
            new EnvironmentSecretStore(db, DbNow.DATABASE_CLOCK, secretCipher), counters)).map(secretsId -> {
              chainIds.add(secretsId); // undeployed at stop with the event-chain verticles
              return id;
            }))
        .compose(id -> sealer == null ? Future.succeededFuture(id) : vertx.deployVerticle(sealer).map(sealerId -> {
          chainIds.add(sealerId);
          return id;
        }))
        .map(id -> {
          node.watchdog().supervise(apiSupervisor);
          node.watchdog().supervise(leaderSupervisor);
          node.health().announce();
          lifecycle.moveTo(LifecycleState.HEALTHY, "serving");
          return new OrchestratorService(node, db, lifecycle, leader, leaderSupervisor, apiSupervisor, ids.get(0), id,
              alerts, ids.get(1), chainIds);
        })
        .onFailure(t -> {
          lifecycle.moveTo(LifecycleState.CRASHING, "start failed: " + t.getMessage());
          db.close();
        });
  }

  /**
   * A frozen database counts as down only after the statement timeout + 1 s; a request timeout not above
   * that makes callers (the hub, runners) time out first: they get 504 TIMEOUT instead of DB_UNAVAILABLE,
   * and the hub's breaker in front of the orchestrator opens for its whole reset time (a drill found it).
   */
  private static void warnIfTimeoutsCollide(ReachConfig cfg) {
    if (cfg.requestTimeoutMs() <= cfg.dbStatementTimeoutMs() + 1_000) {
      LOG.warning("REACH_REQUEST_TIMEOUT_MS=" + cfg.requestTimeoutMs() + " is not above REACH_DB_STATEMENT_TIMEOUT_MS="
          + cfg.dbStatementTimeoutMs() + " + 1000: while the database is frozen, requests time out (504) before the"
          + " orchestrator can answer DB_UNAVAILABLE, and callers' breakers open; raise the request timeout or lower"
          + " the statement timeout");
    }
  }

  private static JsonObject status(String nodeId, LeaderVerticle leader, RetentionVerticle retention, Db db,
      OutageState outage, ProtocolCounters counters, Lifecycle lifecycle, Alerts alerts) {
    return new JsonObject()
        .put("node_id", nodeId)
        .put("leader", leader != null && leader.leading())
        .put("epoch", leader == null ? null : leader.epoch())
        .put("lifecycle", lifecycle.describe())
        .put("database_breaker", db.breaker().describe())
        .put("outage", outage.describe())
        .put("protocol", counters.describe())
        .put("alerts", alerts.describe())
        .put("retention", retention == null ? new JsonObject().put("enabled", false)
            : retention.describe().put("enabled", true));
  }

  public Db db() {
    return db;
  }

  public boolean leading() {
    LeaderVerticle l = leader.get();
    return l != null && l.leading();
  }

  public Long epoch() {
    LeaderVerticle l = leader.get();
    return l == null ? null : l.epoch();
  }

  /** This orchestrator's alerts (for health and admin output: {@link Alerts#describe()}). */
  public Alerts alerts() {
    return alerts;
  }

  /**
   * Orderly stop: DRAINING (not ready), leader duties handed on (the lock is released so another
   * orchestrator takes over at once), then the bus API unregistered, the pool closed, STOPPED.
   */
  public Future<Void> stop() {
    lifecycle.moveTo(LifecycleState.DRAINING, "stopping");
    node.watchdog().unsupervise(API_COMPONENT);
    node.watchdog().unsupervise(LEADER_COMPONENT);
    Vertx vertx = node.vertx();
    Future<Void> retention = retentionDeployment == null ? Future.succeededFuture()
        : vertx.undeploy(retentionDeployment);
    Future<Void> chain = Future.succeededFuture();
    for (String id : chainDeployments) {
      chain = chain.eventually(() -> vertx.undeploy(id));
    }
    return chain.eventually(() -> retention).eventually(() -> vertx.undeploy(samplerDeployment))
        .eventually(leaderSupervisor::undeploy)
        .eventually(() -> vertx.undeploy(adminDeployment))
        .eventually(apiSupervisor::undeploy)
        .eventually(db::close)
        .eventually(alerts::close)
        .onComplete(ar -> lifecycle.moveTo(LifecycleState.STOPPED, "stopped"))
        .mapEmpty();
  }
}
