package dev.reach.runner;

import dev.reach.runner.exec.Execution;
import dev.reach.runner.exec.OrchestratorClient;
import dev.reach.runner.process.UptimeClock;
import dev.reach.runner.process.WatcherClock;
import dev.reach.runner.process.WatcherScript;
import dev.reach.runner.ship.ArtifactClient;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.Status;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runner: claims jobs, runs each under a watcher process, heartbeats, ships logs. Each start
 * is a new incarnation.
 */
public final class RunnerService {
  private final Vertx vertx;
  private final String deploymentId;
  private final ExecutorService control;
  private final ExecutorService readers;
  private final ArtifactClient artifacts;
  private final String incarnation;

  private RunnerService(Vertx vertx, String deploymentId, ExecutorService control, ExecutorService readers,
      ArtifactClient artifacts, String incarnation) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.control = control;
    this.readers = readers;
    this.artifacts = artifacts;
    this.incarnation = incarnation;
  }

  public static Future<RunnerService> deploy(ReachNode node) {
    ReachConfig cfg = node.config();
    Vertx vertx = node.vertx();
    String incarnation = UUID.randomUUID().toString();
    // one long-lived thread spawns processes and writes to watchers, in order
    ExecutorService control = Executors.newSingleThreadExecutor(named("reach-runner-control-" + cfg.runnerId()));
    ExecutorService readers = Executors.newCachedThreadPool(named("reach-runner-io-" + cfg.runnerId()));
    ArtifactClient artifacts = new ArtifactClient(vertx, cfg.artifactUrl(), cfg.requestTimeoutMs(), Math.max(4, cfg.runnerSlots()));
    OrchestratorClient orchestrator = new OrchestratorClient(vertx, cfg.requestTimeoutMs());
    WatcherClock clock = new UptimeClock();
    Path stateDir = cfg.stateDir().toAbsolutePath();
    if (vertx.isClustered()) {
      node.health().readiness("cluster", ClusterHealthCheck.createProcedure(vertx));
    }
    node.health().readiness("runner.state-dir", p -> p.tryComplete(Files.isWritable(stateDir) ? Status.OK() : Status.KO()));
    return vertx.executeBlocking(() -> {
          Files.createDirectories(stateDir);
          return WatcherScript.install(stateDir);
        })
        .compose(watcher -> vertx.deployVerticle(new RunnerVerticle(cfg, incarnation, clock, orchestrator,
            ctx -> new Execution.Tools(ctx, node.clock(), orchestrator, artifacts, control, readers, watcher, stateDir,
                cfg.runnerId(), 200))))
        .map(id -> new RunnerService(vertx, id, control, readers, artifacts, incarnation))
        .onFailure(t -> {
          control.shutdownNow();
          readers.shutdownNow();
        });
  }

  public String incarnation() {
    return incarnation;
  }

  public Future<Void> stop() {
    return vertx.undeploy(deploymentId)
        .eventually(artifacts::close)
        .eventually(() -> {
          control.shutdown();
          readers.shutdown();
          return Future.succeededFuture();
        });
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
