package dev.reach.it;

import dev.reach.artifacts.ArtifactStoreService;
import dev.reach.hub.HubService;
import dev.reach.orchestrator.OrchestratorService;
import dev.reach.runner.RunnerService;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.node.ReachNode;
import dev.reach.shared.testing.PostgresFixture;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** All four services in one (non-clustered) Vert.x on the embedded Postgres, for end-to-end tests. */
final class InProcessReach implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final Path dir;
  final String dbUrl;
  // set once by the constructor (not final so that a start failing halfway can stop what did start)
  OrchestratorService orchestrator;
  ArtifactStoreService artifacts;
  final List<RunnerService> runners = new ArrayList<>();
  HubService hub;
  Api api;
  private final Map<String, String> extra;

  /** {@code extra} settings apply to every service. */
  InProcessReach(int runnerCount, int slots, Map<String, String> extra) throws IOException {
    this.extra = Map.copyOf(extra);
    dir = Files.createTempDirectory("reach-it-");
    dbUrl = PostgresFixture.newDatabase();
    try {
      orchestrator = OrchestratorService.deploy(node(Map.of())).await();
      artifacts = ArtifactStoreService.deploy(node(Map.of("REACH_ARTIFACT_DIR", dir.resolve("artifacts").toString())))
          .await();
      for (int i = 1; i <= runnerCount; i++) {
        runners.add(RunnerService.deploy(node(Map.of(
            "REACH_RUNNER_ID", "it-runner-" + i,
            "REACH_RUNNER_SLOTS", String.valueOf(slots),
            "REACH_STATE_DIR", dir.resolve("runner-" + i).toString()))).await());
      }
      hub = HubService.deploy(node(Map.of())).await();
      api = new Api(hub.httpPort());
    } catch (RuntimeException | Error e) {
      try {
        close(); // what started stops, the Vert.x closes and the directory goes, also when the start failed
      } catch (RuntimeException | IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** Starts one more runner with these settings over the common ones (stopped at close). */
  RunnerService addRunner(String id, Map<String, String> specific) {
    Map<String, String> env = new HashMap<>(specific);
    env.put("REACH_RUNNER_ID", id);
    env.putIfAbsent("REACH_RUNNER_SLOTS", "2");
    env.put("REACH_STATE_DIR", dir.resolve(id).toString());
    RunnerService r = RunnerService.deploy(node(env)).await();
    runners.add(r);
    return r;
  }

  private ReachNode node(Map<String, String> specific) {
    Map<String, String> env = new HashMap<>();
    env.put("REACH_DB_URL", dbUrl);
    env.put("REACH_HTTP_PORT", "0");
    env.put("REACH_TEST_MODE", "true");
    env.put("REACH_STATE_DIR", dir.resolve("state").toString()); // alert state and the like, removed with dir
    env.putAll(ItTokens.env()); // auth on, as deployed
    env.putAll(extra);
    env.putAll(specific);
    return ReachNode.of(vertx, ReachConfig.from(env, 0));
  }

  @Override
  public void close() throws IOException {
    try {
      if (hub != null) {
        hub.stop().await();
      }
      for (RunnerService r : runners) {
        r.stop().await();
      }
      if (artifacts != null) {
        artifacts.stop().await();
      }
      if (orchestrator != null) {
        orchestrator.stop().await();
      }
    } finally {
      vertx.close().await();
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
