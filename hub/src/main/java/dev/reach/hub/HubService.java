package dev.reach.hub;

import dev.reach.shared.alert.Alerts;
import dev.reach.shared.alert.HealAlerts;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.ConsumerSet;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.heal.VerticleSupervisor;
import dev.reach.shared.health.DeepChecks;
import dev.reach.shared.health.HealthRegistry;
import dev.reach.shared.breaker.Breaker;
import dev.reach.shared.breaker.BreakerStateFile;
import dev.reach.shared.breaker.BreakerSettings;
import dev.reach.shared.breaker.Breakers;
import dev.reach.shared.breaker.DependencyBreaker;
import dev.reach.shared.health.Lifecycle;
import dev.reach.shared.health.LifecycleState;
import dev.reach.shared.http.ListenPort;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.List;

/**
 * The hub: Reach's HTTP front door. It owns nothing durable — it validates requests, forwards
 * them over the event bus to the orchestrator and the artifact store, and streams logs.
 *
 * <p>Its lifecycle ({@code hub} in {@code /health/ready}) is {@code STARTING} until deployed, then
 * {@code HEALTHY}; {@link #stop()} moves it to {@code DRAINING} (not ready; submissions, cancels and
 * requeues answer {@code 503 SHUTTING_DOWN}), lets the requests in flight finish, closes the
 * connections, and ends {@code STOPPED}.
 *
 * <p>Requests to the orchestrator and to the artifact store pass through a {@link DependencyBreaker}
 * each ({@code hub:orchestrator}, {@code hub:artifact-store}; {@code REACH_BREAKER_*}), registered in
 * {@link Breakers#jvm()} while the hub runs.
 *
 * <p>Its alerts ({@code heal_blocked} when the watchdog may not restart {@code hub.http}) keep their
 * state in {@code REACH_STATE_DIR/alerts-hub.json}.
 */
public final class HubService {
  /** The service's name in its lifecycle (and readiness check {@code lifecycle.hub}). */
  public static final String SERVICE = "hub";

  private final ReachNode node;
  private final VerticleSupervisor<HubHttpVerticle> http;
  private final Lifecycle lifecycle;
  private final int port;
  private final List<Breaker> breakers;
  private final Alerts alerts;
  private final QueueHistory queueHistory;
  private final LogStreamStats logStreams;
  private final ConsumerSet revocations;
  private Future<Void> stopped;

  private HubService(ReachNode node, VerticleSupervisor<HubHttpVerticle> http, Lifecycle lifecycle, int port,
      List<Breaker> breakers, Alerts alerts, QueueHistory queueHistory, LogStreamStats logStreams,
      ConsumerSet revocations) {
    this.revocations = revocations;
    this.queueHistory = queueHistory;
    this.logStreams = logStreams;
    this.breakers = breakers;
    this.alerts = alerts;
    this.node = node;
    this.http = http;
    this.lifecycle = lifecycle;
    this.port = port;
  }

  /**
   * Starts the HTTP worker under the watchdog (component {@code hub.http}) and registers the hub's
   * readiness checks (lifecycle, cluster, orchestrator) and deep-health dependencies (cluster,
   * orchestrator and artifact store round trips) on {@code node.health()}.
   */
  public static Future<HubService> deploy(ReachNode node) {
    return Alerts.open(node, SERVICE, ManagementFactory.getRuntimeMXBean().getName())
        .compose(alerts -> deploy(node, alerts).onFailure(t -> alerts.close()));
  }

  private static Future<HubService> deploy(ReachNode node, Alerts alerts) {
    ReachConfig cfg = node.config();
    BreakerSettings breakerSettings = BreakerSettings.dependencies(cfg);
    long timeoutMs = cfg.requestTimeoutMs();
    OrchestratorClient orchestrator = new OrchestratorClient(node.vertx(), timeoutMs, breakerSettings, node.clock());
    ArtifactStoreClient artifacts = new ArtifactStoreClient(node.vertx(), timeoutMs, breakerSettings, node.clock());
    // a hub restarting into a dependency that is still broken starts with that breaker open
    return BreakerStateFile.attachAtStart(node.vertx(), cfg.stateDir(), SERVICE,
            List.of(orchestrator.breaker(), artifacts.breaker()))
        .compose(v -> deploy(node, alerts, orchestrator, artifacts));
  }

  private static Future<HubService> deploy(ReachNode node, Alerts alerts, OrchestratorClient orchestrator,
      ArtifactStoreClient artifacts) {
    ReachConfig cfg = node.config();
    HealAlerts.watch(node.watchdog(), alerts, SERVICE);
    Lifecycle lifecycle = node.health().lifecycle(SERVICE, node.clock());
    List<Breaker> own = List.of(orchestrator.breaker(), artifacts.breaker());
    TokenAuth auth = new TokenAuth(orchestrator, cfg.adminToken(), cfg.auth().enabled(), node.clock(),
        cfg.apiLimits().rateLimited()
            ? new RateLimiter(cfg.apiLimits().ratePerSecond(), cfg.apiLimits().rateBurst(), node.clock()) : null);
    int port;
    try {
      port = ListenPort.resolve(cfg.httpHost(), cfg.httpPort());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    own.forEach(Breakers.jvm()::register);
    QueueHistory queueHistory = new QueueHistory(node.clock(), QueueHistory.DEFAULT_INTERVAL_MS, QueueHistory.DEFAULT_WINDOW_MS);
    LogStreamStats logStreams = new LogStreamStats();
    DeploymentDrains drains = new DeploymentDrains();
    AtomicReference<VerticleSupervisor<HubHttpVerticle>> self = new AtomicReference<>();
    Supplier<JsonObject> worker = () -> new JsonObject()
        .put("component", HubRouter.WORKER_COMPONENT)
        .put("port", port)
        .put("deployment_id", self.get() == null ? null : self.get().deploymentId())
        .put("instances", self.get() == null ? 0 : self.get().instances().size());
    // one instance per event loop: every event loop serving the port has a handler of the new deployment
    // before the old one's is removed, so a restart never leaves an event loop the acceptor hands a new
    // connection to without a server (Vert.x closes such a connection unanswered)
    VerticleSupervisor<HubHttpVerticle> http = new VerticleSupervisor<>(node.vertx(), HubRouter.WORKER_COMPONENT,
        () -> new HubHttpVerticle(node, orchestrator, artifacts, lifecycle, port, auth, worker, queueHistory, logStreams,
            drains),
        new DeploymentOptions().setInstances(eventLoops(node.vertx())), cfg.watchdogStuckMs(), () -> null);
    self.set(http);
    // every hub forgets the tokens it remembers as soon as any revocation is published (also after a healed split)
    ConsumerSet revocations = new ConsumerSet(node.vertx())
        .add(Addresses.TOKEN_REVOKED, m -> auth.forgetVerified())
        .reregisterOnMerge(node.vertx().getOrCreateContext());
    return revocations.ready()
        .compose(v -> http.deploy())
        .map(id -> {
          ReadinessChecks.register(node, orchestrator);
          node.health()
              .dependency(DeepChecks.cluster("cluster", node.vertx()))
              .dependency(DeepChecks.busRoundTrip("hub.orchestrator", node.vertx(), Addresses.ORCHESTRATOR_STATUS,
                  HealthRegistry.CHECK_TIMEOUT_MS))
              .dependency(DeepChecks.busRoundTrip("hub.artifact-store", node.vertx(), Addresses.ARTIFACT_ENDPOINT,
                  HealthRegistry.CHECK_TIMEOUT_MS));
          for (Breaker b : own) {
            node.health().breaker(b.describe().getString("name"), b::describe);
          }
          node.watchdog().supervise(http);
          node.health().announce();
          lifecycle.moveTo(LifecycleState.HEALTHY, "listening on port " + port);
          queueHistory.start(node.vertx(), orchestrator::systemFigures);
          return new HubService(node, http, lifecycle, port, own, alerts, queueHistory, logStreams, revocations);
        })
        .onFailure(t -> {
          revocations.unregister();
          own.forEach(Breakers.jvm()::unregister);
          lifecycle.moveTo(LifecycleState.CRASHING, "start failed: " + t.getMessage());
        });
  }

  /** The port the HTTP server listens on (the one chosen at start when {@code REACH_HTTP_PORT=0}). */
  public int httpPort() {
    return port;
  }

  /** The node the hub runs on (its health registry and watchdog). */
  public ReachNode node() {
    return node;
  }

  /** The hub's lifecycle. */
  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /** The hub's breakers in front of the orchestrator and the artifact store (also in {@link Breakers#jvm()} while it runs). */
  List<Breaker> breakers() {
    return breakers;
  }

  /** The hub's alerts. */
  public Alerts alerts() {
    return alerts;
  }

  /** The routes the HTTP worker serves (for tests). */
  List<io.vertx.ext.web.Route> routes() {
    return http.instances().get(0).routes();
  }

  /** Counters of the log streams (for tests; later for metrics). */
  LogStreamStats logStreams() {
    return logStreams;
  }

  /** How many event loops {@code vertx} runs. */
  static int eventLoops(io.vertx.core.Vertx vertx) {
    int n = 0;
    for (var loop : ((io.vertx.core.internal.VertxInternal) vertx).eventLoopGroup()) {
      n++;
    }
    return Math.max(1, n);
  }

  /**
   * Drains and stops: {@code DRAINING} (not ready; new work answers {@code 503 SHUTTING_DOWN}), the
   * requests in flight finish (at most {@code REACH_DRAIN_TIMEOUT_MS}), the server closes,
   * {@code STOPPED}. Calling it again returns the same future.
   */
  public synchronized Future<Void> stop() {
    if (stopped == null) {
      lifecycle.moveTo(LifecycleState.DRAINING, "stop requested");
      queueHistory.stop();
      ReadinessChecks.unregister(node);
      node.watchdog().unsupervise(HubRouter.WORKER_COMPONENT);
      stopped = http.undeploy()
          .andThen(ar -> {
            breakers.forEach(Breakers.jvm()::unregister);
            breakers.forEach(b -> node.health().unregister(b.describe().getString("name")));
            lifecycle.moveTo(LifecycleState.STOPPED, "stopped");
          })
          .eventually(revocations::unregister)
          .eventually(alerts::close);
    }
    return stopped;
  }
}
