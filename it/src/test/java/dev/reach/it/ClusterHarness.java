package dev.reach.it;

import dev.reach.artifacts.ArtifactStoreService;
import dev.reach.hub.HubService;
import dev.reach.orchestrator.OrchestratorService;
import dev.reach.shared.cluster.ClusterBootstrap;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.node.ReachNode;
import dev.reach.shared.testing.PostgresFixture;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real cluster on loopback: this JVM runs the orchestrator, artifact store and hub on a
 * clustered Vert.x (Hazelcast, TCP/IP join); runners are separate JVMs started with
 * {@link #startRunner}. Everything started here is stopped by {@link #close()}, also when a test fails.
 */
final class ClusterHarness implements AutoCloseable {
  final Path dir;
  final String clusterName = "reach-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  final int seedPort = freePort();
  final String dbUrl = PostgresFixture.newDatabase();
  final long ttlMs;
  final Vertx vertx;
  final OrchestratorService orchestrator;
  final ArtifactStoreService artifacts;
  final HubService hub;
  final Api api;
  private final List<Process> runners = new ArrayList<>();

  ClusterHarness(long ttlMs) throws IOException {
    this.ttlMs = ttlMs;
    this.dir = Files.createTempDirectory("reach-cluster-");
    ReachConfig cfg = ReachConfig.from(env(seedPort, Map.of(
        "REACH_HTTP_PORT", "0",
        // breaker and alert state of this harness's services, not the module directory's (shared by every test)
        "REACH_STATE_DIR", dir.resolve("state").toString(),
        "REACH_ARTIFACT_DIR", dir.resolve("artifacts").toString())), 0);
    vertx = ClusterBootstrap.start(cfg).await();
    orchestrator = OrchestratorService.deploy(ReachNode.of(vertx, cfg)).await();
    artifacts = ArtifactStoreService.deploy(ReachNode.of(vertx, cfg)).await();
    hub = HubService.deploy(ReachNode.of(vertx, cfg)).await();
    api = new Api(hub.httpPort());
  }

  Map<String, String> env(int clusterPort, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("REACH_DB_URL", dbUrl);
    env.put("REACH_CLUSTER_NAME", clusterName);
    env.put("REACH_CLUSTER_HOST", "127.0.0.1");
    env.put("REACH_CLUSTER_PORT", String.valueOf(clusterPort));
    env.put("REACH_CLUSTER_MEMBERS", "127.0.0.1:" + seedPort);
    env.put("REACH_LEASE_TTL_MS", String.valueOf(ttlMs));
    env.put("REACH_LEASE_KILL_MARGIN_MS", String.valueOf(Math.min(1000, ttlMs / 3)));
    env.put("REACH_REAPER_INTERVAL_MS", "200");
    env.put("REACH_TEST_MODE", "true");
    env.putAll(ItTokens.env()); // auth on, as deployed
    env.putAll(extra);
    return env;
  }

  /** Starts a runner JVM; its output goes to {@code <dir>/<id>.log}. */
  Process startRunner(String id, int slots) throws IOException {
    Map<String, String> env = env(freePort(), Map.of(
        "REACH_RUNNER_ID", id,
        "REACH_RUNNER_SLOTS", String.valueOf(slots),
        "REACH_HTTP_PORT", "0",
        "REACH_RUNNER_POLL_MS", "500",
        "REACH_STATE_DIR", dir.resolve(id).toString()));
    String java = ProcessHandle.current().info().command().orElse("java");
    // Vert.x's file cache inside this harness's directory: a runner killed by a test never removes its own
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dvertx.cacheDirBase=" + dir.resolve("vertx-cache"),
        "-cp", System.getProperty("java.class.path"), RunnerMain.class.getName());
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv("PATH"));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve(id + ".log").toFile());
    Process p = pb.start();
    runners.add(p);
    return p;
  }

  String runnerLog(String id) {
    try {
      return Files.readString(dir.resolve(id + ".log"));
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws IOException {
    for (Process p : runners) {
      if (p.isAlive()) {
        // a stopped JVM must be continued before it can die of SIGKILL reliably
        ProcessSignals.send("CONT", p.pid());
        p.destroyForcibly();
      }
    }
    for (Process p : runners) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      hub.stop().await();
      artifacts.stop().await();
      orchestrator.stop().await();
    } finally {
      vertx.close().await();
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
