package dev.reach.runner;

import dev.reach.shared.bus.JoinCredential;
import dev.reach.runner.disk.DiskGuard;
import dev.reach.runner.exec.CompletionDelivery;
import dev.reach.runner.exec.Execution;
import dev.reach.runner.exec.OrchestratorClient;
import dev.reach.runner.exec.Workspace;
import dev.reach.runner.limits.JobCaps;
import dev.reach.runner.journal.CompletionJournal;
import dev.reach.runner.process.UptimeClock;
import dev.reach.runner.process.WatcherClock;
import dev.reach.runner.retry.Backoff;
import dev.reach.runner.retry.RetryPolicy;
import dev.reach.runner.ship.ArtifactClient;
import dev.reach.runner.state.GroupRecords;
import dev.reach.runner.state.RunMarker;
import dev.reach.runner.state.WorkspaceJanitor;
import dev.reach.shared.alert.Alerts;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.health.Lifecycle;
import dev.reach.shared.health.LifecycleState;
import dev.reach.shared.metrics.ReachMetrics;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.Status;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The runner: claims jobs, runs each under a watcher process, heartbeats, ships logs. Each start
 * is a new incarnation that first locks its state directory, sweeps what earlier incarnations
 * left and re-sends their journaled completions; {@link #stop()} drains.
 */
public final class RunnerService {
  private static final Logger LOG = Logger.getLogger(RunnerService.class.getName());
  /** The service's name in its lifecycle and alerts ({@code alerts-runner.json} in its state directory). */
  public static final String SERVICE = "runner";

  private final Vertx vertx;
  private final ReachConfig cfg;
  private final RunnerTuning tuning;
  private final String deploymentId;
  private final RunnerVerticle verticle;
  private final RunnerBoot boot;
  private final Path stateDir;
  private final ExecutorService control;
  private final ExecutorService readers;
  private final JobCaps caps;
  private final ArtifactClient artifacts;
  private final String incarnation;
  private final Lifecycle lifecycle;
  private final Alerts alerts;
  private Future<Void> stopped;

  private RunnerService(Vertx vertx, ReachConfig cfg, RunnerTuning tuning, String deploymentId, RunnerVerticle verticle,
      RunnerBoot boot, Path stateDir, ExecutorService control, ExecutorService readers,
      JobCaps caps, ArtifactClient artifacts, String incarnation, Lifecycle lifecycle, Alerts alerts) {
    this.alerts = alerts;
    this.vertx = vertx;
    this.cfg = cfg;
    this.tuning = tuning;
    this.deploymentId = deploymentId;
    this.verticle = verticle;
    this.boot = boot;
    this.stateDir = stateDir;
    this.control = control;
    this.readers = readers;
    this.caps = caps;
    this.artifacts = artifacts;
    this.incarnation = incarnation;
    this.lifecycle = lifecycle;
  }

  public static Future<RunnerService> deploy(ReachNode node) {
    return deploy(node, RunnerTuning.defaults());
  }

  static Future<RunnerService> deploy(ReachNode node, RunnerTuning tuning) {
    return Alerts.open(node, SERVICE, node.config().runnerId())
        .compose(alerts -> deploy(node, tuning, alerts).onFailure(t -> alerts.close()));
  }

  private static Future<RunnerService> deploy(ReachNode node, RunnerTuning tuning, Alerts alerts) {
    ReachConfig cfg = node.config();
    Vertx vertx = node.vertx();
    String incarnation = UUID.randomUUID().toString();
    Lifecycle lifecycle = node.health().lifecycle(SERVICE, node.clock());
    lifecycle.identify(cfg.runnerId());
    Path stateDir = cfg.stateDir().toAbsolutePath();
    // one long-lived thread spawns processes and writes to watchers, in order
    ExecutorService control = Executors.newSingleThreadExecutor(named("reach-runner-control-" + cfg.runnerId()));
    ExecutorService readers = Executors.newCachedThreadPool(named("reach-runner-io-" + cfg.runnerId()));
    // measures jobs' memory against their limits (blocking /proc and cgroup reads, never on the event loop)
    ScheduledExecutorService memorySampler = Executors.newSingleThreadScheduledExecutor(named("reach-runner-memory-" + cfg.runnerId()));
    Path workBase = Workspace.base(stateDir, cfg.jobLimits().jobUser() != null);
    ArtifactClient artifacts = new ArtifactClient(vertx, cfg.artifactUrl(), cfg.requestTimeoutMs(), Math.max(4, cfg.runnerSlots()));
    JoinCredential join = JoinCredential.forToken(cfg.auth().runnerJoinToken());
    if (join == null) {
      LOG.warning("REACH_RUNNER_JOIN_TOKEN is not set: orchestrators with auth on (the default) give this runner"
          + " no work and record its refusals; make a join token with 'reachctl token create --role runner'");
    }
    OrchestratorClient orchestrator = new OrchestratorClient(vertx, cfg.requestTimeoutMs(),
        cfg.leaseTimings().heartbeatTimeoutMs(), join);
    WatcherClock clock = new UptimeClock();
    CompletionJournal journal = new CompletionJournal(stateDir, node.clock());
    GroupRecords groups = new GroupRecords(stateDir);
    WorkspaceJanitor janitor = new WorkspaceJanitor(incarnation, workBase);
    DiskGuard disk = new DiskGuard(cfg.runnerMinFreeDiskBytes(),
        tuning.freeSpace() != null ? tuning.freeSpace() : DiskGuard.FreeSpace.of(stateDir), janitor, journal, alerts);
    RunnerSignals signals = new RunnerSignals(alerts, ReachMetrics.of(vertx));
    RetryPolicy uploadRetry = new RetryPolicy(cfg.artifactRetryTries(),
        new Backoff(Math.min(100, cfg.artifactRetryMaxDelayMs()), cfg.artifactRetryMaxDelayMs()));
    if (vertx.isClustered()) {
      node.health().readiness("cluster", ClusterHealthCheck.createProcedure(vertx));
    }
    node.health().readiness("runner.state-dir", p -> p.tryComplete(Files.isWritable(stateDir) ? Status.OK() : Status.KO()));
    node.health().readiness("runner.disk", disk.readiness());
    // in local mode several runners share the JVM's registry: their checks carry the runner id
    String checkPrefix = "runner." + cfg.runnerId();
    node.health()
        .dependency(dev.reach.shared.health.DeepChecks.cluster("cluster", vertx))
        .dependency(dev.reach.shared.health.DeepChecks.busRoundTrip(checkPrefix + ".orchestrator", vertx,
            dev.reach.shared.bus.Addresses.ORCHESTRATOR_STATUS, dev.reach.shared.health.HealthRegistry.CHECK_TIMEOUT_MS))
        .dependency(dev.reach.shared.health.DeepChecks.busRoundTrip(checkPrefix + ".artifact-store", vertx,
            dev.reach.shared.bus.Addresses.ARTIFACT_ENDPOINT, dev.reach.shared.health.HealthRegistry.CHECK_TIMEOUT_MS))
        .dependency(dev.reach.shared.health.DeepChecks.disk(checkPrefix + ".disk", vertx, stateDir, cfg.runnerMinFreeDiskBytes()));
    node.health().announce();
    return vertx.executeBlocking(() -> JobCaps.prepare(cfg.jobLimits(), cfg.runnerId(), cfg.runnerSlots(), workBase, memorySampler))
        .compose(caps -> vertx.executeBlocking(() -> RunnerBoot.prepare(stateDir, incarnation, node.clock(), journal, groups,
            janitor, disk)).map(boot -> Map.entry(caps, boot))
            .onFailure(t -> vertx.executeBlocking(() -> {
              caps.close(); // the runner does not start: no cgroup directory left behind
              return null;
            })))
        .compose(prepared -> {
          JobCaps caps = prepared.getKey();
          RunnerBoot boot = prepared.getValue();
          RunnerVerticle verticle = new RunnerVerticle(cfg, incarnation, clock, orchestrator,
              ctx -> new Execution.Tools(ctx, node.clock(), orchestrator, artifacts, uploadRetry, control, readers, boot.watcher(),
                  workBase.resolve(incarnation), cfg.runnerId(), incarnation, 200, groups,
                  new CompletionDelivery(ctx, orchestrator, journal, readers, incarnation, tuning.completionBackoff()),
                  signals, caps),
              boot, disk, tuning);
          return vertx.deployVerticle(verticle)
              .map(id -> new RunnerService(vertx, cfg, tuning, id, verticle, boot, stateDir, control, readers,
                  caps, artifacts, incarnation, lifecycle, alerts))
              .recover(t -> vertx.<Void>executeBlocking(() -> {
                    RunMarker.remove(stateDir);
                    boot.lock().close();
                    caps.close();
                    return null;
                  })
                  .transform(x -> Future.<RunnerService>failedFuture(t)));
        })
        .onSuccess(s -> lifecycle.moveTo(LifecycleState.HEALTHY, "runner " + cfg.runnerId() + " claiming"))
        .onFailure(t -> {
          lifecycle.moveTo(LifecycleState.STOPPED, "start failed: " + t.getMessage());
          control.shutdownNow();
          readers.shutdownNow();
          memorySampler.shutdownNow();
          artifacts.close();
        });
  }

  public String incarnation() {
    return incarnation;
  }

  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /** This runner's alerts (for health and admin output: {@link Alerts#describe()}). */
  public Alerts alerts() {
    return alerts;
  }

  /**
   * Drains and stops: lifecycle {@code DRAINING}, no new claims, running jobs get up to
   * {@code REACH_DRAIN_TIMEOUT_MS} with heartbeats going on, then are interrupted (their groups
   * killed and confirmed gone, their leases released as {@code interrupted}); completions are
   * delivered (bounded), then the marker is removed and the state-dir lock released. Completes
   * within the drain timeout plus a few seconds. Idempotent.
   */
  public synchronized Future<Void> stop() {
    if (stopped != null) {
      return stopped;
    }
    long began = System.nanoTime();
    lifecycle.moveTo(LifecycleState.DRAINING, "stopping: no new jobs; running jobs get up to " + cfg.drainTimeoutMs() + " ms");
    stopped = verticle.drain(cfg.drainTimeoutMs(), tuning.drainFlushMs())
        .eventually(() -> vertx.undeploy(deploymentId))
        .eventually(artifacts::close)
        .eventually(alerts::close)
        .eventually(() -> vertx.executeBlocking(() -> {
          RunMarker.remove(stateDir);
          boot.lock().close();
          caps.close();
          return null;
        }))
        .eventually(() -> {
          control.shutdown();
          readers.shutdown();
          long tookMs = (System.nanoTime() - began) / 1_000_000;
          lifecycle.moveTo(LifecycleState.STOPPED, "runner " + cfg.runnerId() + " stopped after a " + tookMs + " ms drain");
          LOG.info("runner " + cfg.runnerId() + " (incarnation " + incarnation + ") stopped in " + tookMs + " ms");
          return Future.succeededFuture();
        });
    return stopped;
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
