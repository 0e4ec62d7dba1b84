package dev.reach.runner;

import dev.reach.runner.exec.Workspace;
import dev.reach.runner.fakes.FakeArtifactStore;
import dev.reach.runner.fakes.FakeOrchestrator;
import dev.reach.runner.process.Procs;
import dev.reach.runner.retry.Backoff;
import dev.reach.runner.retry.RetryPolicy;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.health.HealthRegistry;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A runner under test: its own non-clustered Vert.x with a {@link FakeOrchestrator} on the bus and
 * a {@link FakeArtifactStore} on loopback, a temporary state directory, short timings. Closing it
 * stops the runners and kills anything still running in the directory.
 */
final class RunnerHarness implements AutoCloseable {
  static final long TTL_MS = 3_000;

  final Instant started = Instant.now().minusSeconds(1);
  final Vertx vertx = Vertx.vertx();
  final Path dir;
  final Path stateDir;
  final FakeOrchestrator orchestrator;
  final FakeArtifactStore store;
  final List<RunnerService> runners = new CopyOnWriteArrayList<>();
  private final Map<String, String> env = new HashMap<>();

  RunnerHarness() throws Exception {
    dir = Files.createTempDirectory("reach-runner-test-");
    stateDir = dir.resolve("state");
    orchestrator = new FakeOrchestrator(vertx, TTL_MS);
    store = FakeArtifactStore.start(vertx);
    env.put("REACH_RUNNER_ID", "test-runner");
    env.put("REACH_STATE_DIR", stateDir.toString());
    env.put("REACH_LEASE_TTL_MS", Long.toString(TTL_MS));
    env.put("REACH_LEASE_KILL_MARGIN_MS", "1000");
    env.put("REACH_RUNNER_POLL_MS", "100");
    env.put("REACH_RUNNER_SLOTS", "2");
    env.put("REACH_ARTIFACT_URL", store.url());
    env.put("REACH_REQUEST_TIMEOUT_MS", "2000");
    env.put("REACH_DRAIN_TIMEOUT_MS", "2000");
    env.put("REACH_RUNNER_MIN_FREE_DISK_BYTES", "0");
    env.put("REACH_ARTIFACT_RETRY_TRIES", "3");
    env.put("REACH_ARTIFACT_RETRY_MAX_DELAY_MS", "50");
  }

  /** Sets a {@code REACH_*} variable for the runners deployed from now on. */
  RunnerHarness with(String name, String value) {
    env.put(name, value);
    return this;
  }

  static RunnerTuning fastTuning() {
    return RunnerTuning.defaults()
        .withCompletionBackoff(new Backoff(5, 50))
        .withRestartRetry(new RetryPolicy(3, new Backoff(5, 20)));
  }

  ReachNode node() {
    ReachConfig cfg = ReachConfig.from(env, 0);
    return new ReachNode(vertx, cfg, Clock.systemUTC(), new HealthRegistry(vertx, cfg, Clock.systemUTC()));
  }

  RunnerService deploy() throws Exception {
    return deploy(node(), fastTuning());
  }

  RunnerService deploy(ReachNode node, RunnerTuning tuning) throws Exception {
    RunnerService r = await(RunnerService.deploy(node, tuning), Duration.ofSeconds(60));
    runners.add(r);
    return r;
  }

  static <T> T await(Future<T> f, Duration within) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws Exception {
    try {
      for (RunnerService r : runners) {
        try {
          await(r.stop(), Duration.ofSeconds(30));
        } catch (Exception e) {
          // the test failed already or stopped it itself; go on cleaning up
        }
      }
      for (long pid : Procs.liveIn(dir)) {
        Procs.kill(pid, started);
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Procs.liveIn(dir).isEmpty());
    } finally {
      orchestrator.close();
      store.close();
      vertx.close().await();
      Workspace.delete(dir);
    }
  }
}
