package dev.reach.it;

import dev.reach.runner.RunnerService;
import dev.reach.shared.cluster.ClusterBootstrap;
import dev.reach.shared.cluster.MemberRole;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Vertx;

/** A runner in its own JVM, configured from the environment and clustered over loopback (cluster tests). */
public final class RunnerMain {
  private RunnerMain() {}

  public static void main(String[] args) {
    ReachConfig cfg = ReachConfig.fromEnv(0);
    Vertx vertx = ClusterBootstrap.start(cfg, MemberRole.LITE).await();
    RunnerService runner = RunnerService.deploy(ReachNode.of(vertx, cfg)).await();
    System.err.println("RUNNER UP " + cfg.runnerId() + " incarnation " + runner.incarnation());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      runner.stop().await();
      vertx.close().await();
    }));
  }
}
