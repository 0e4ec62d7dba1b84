package dev.reach.it.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runner failures mid-workload: SIGSTOP for twice the TTL, SIGTERM while a long job runs (SIGKILL and restart: {@link RunnerRestartDrillTest}). */
class RunnerDrillTest {
  private DrillCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new DrillCluster(Map.of("REACH_OUTAGE_RIDE_THROUGH_MS", "10000", "REACH_DRAIN_TIMEOUT_MS", "5000"));
    cluster.startRunners(6, "runner-a", "runner-b", "runner-c");
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void sigstopARunnerForTwiceTheTtl() throws Exception {
    DrillReport report = new DrillReport("runner-sigstop");
    DrillChecks checks = DrillChecks.midWorkload(cluster, 43);
    List<Path> locks = checks.heldLocks("runner-b");
    assertThat(locks).isNotEmpty();
    ServiceProcess b = cluster.service("runner-b");
    long frozenAt = System.currentTimeMillis();
    b.signal("STOP");
    try {
      // the watchers stop the frozen runner's jobs on their own before the lease can pass to another runner
      await().atMost(Duration.ofMillis(DrillCluster.TTL_MS)).pollInterval(Duration.ofMillis(50))
          .until(() -> locks.stream().allMatch(Workload::lockFree));
      long fencedMs = System.currentTimeMillis() - frozenAt;
      report.put("self_fenced_after_ms", fencedMs);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> System.currentTimeMillis() - frozenAt >= 2 * DrillCluster.TTL_MS);
    } finally {
      b.signal("CONT");
    }
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> checks.unfinished() == 0);
    // the thawed runner's late reports were refused and counted
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
        (cluster.service("orchestrator-1").log() + cluster.service("orchestrator-2").log()).contains("stale completion refused"));
    long refused = (cluster.service("orchestrator-1").log() + cluster.service("orchestrator-2").log()).lines()
        .filter(l -> l.contains("stale completion refused") && l.contains("runner runner-b")).count();
    assertThat(refused).isPositive();
    report.putAll(checks.verify()).put("stale_reports_refused", refused).put("frozen_ms", 2 * DrillCluster.TTL_MS).print();
  }

  @Test
  void sigtermARunnerRunningA60SecondJob() throws Exception {
    DrillReport report = new DrillReport("runner-sigterm-drain");
    Workload work = new Workload(cluster.dir, 47);
    JsonObject run = new JsonObject().put("name", "long").put("jobs", new JsonArray().add(new JsonObject()
        .put("name", "sixty").put("command", Workload.probeCommand(work.probes, "long-sixty", 60)).put("timeout_seconds", 300)));
    String runId = work.submit(cluster, run);
    DrillChecks checks = new DrillChecks(cluster, work);
    String[] holder = new String[1];
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      JsonObject job = job(runId);
      if (!"RUNNING".equals(job.getString("state"))) {
        return false;
      }
      holder[0] = job.getJsonArray("attempts").getJsonObject(0).getString("runner");
      return true;
    });
    ServiceProcess runner = cluster.service(holder[0]);
    long termAt = System.currentTimeMillis();
    runner.signal("TERM");
    int exit = runner.waitFor(Duration.ofSeconds(30));
    long exitedMs = System.currentTimeMillis() - termAt;
    assertThat(exit).as("the runner exits 0 after draining").isZero();
    assertThat(exitedMs).as("within the drain timeout (5 s) plus a few seconds").isLessThan(12_000);
    // requeued at once (not after a TTL), without charging a budget, and finished elsewhere
    JsonObject first = job(runId).getJsonArray("attempts").getJsonObject(0);
    assertThat(first.getString("state")).isEqualTo("RELEASED");
    assertThat(first.getString("reason")).isEqualTo("interrupted");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> job(runId).getJsonArray("attempts").size() == 2);
    long rerunMs = System.currentTimeMillis() - termAt;
    assertThat(job(runId).getJsonArray("attempts").getJsonObject(1).getString("runner")).isNotEqualTo(holder[0]);
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> checks.unfinished() == 0);
    assertThat(job(runId).getString("state")).isEqualTo("SUCCEEDED");
    assertThat(Files.readString(cluster.dir.resolve(cluster.service(holder[0]).name + ".log"))).contains("DRAINING");
    report.putAll(checks.verify()).put("exit_after_term_ms", exitedMs).put("running_elsewhere_after_ms", rerunMs).print();
  }

  private JsonObject job(String runId) {
    return new JsonObject(cluster.get("/api/v1/runs/" + runId).body()).getJsonArray("jobs").getJsonObject(0);
  }
}
