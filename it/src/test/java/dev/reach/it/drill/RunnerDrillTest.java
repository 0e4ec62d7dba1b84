package dev.reach.it.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runner failures mid-workload: SIGSTOP for twice the TTL, SIGTERM while a long job runs (SIGKILL and restart: {@link RunnerRestartDrillTest}). */
class RunnerDrillTest {
  DrillCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new DrillCluster(Map.of("REACH_OUTAGE_RIDE_THROUGH_MS", "10000", "REACH_DRAIN_TIMEOUT_MS", "5000"));
    for (String r : new String[] {"runner-a", "runner-b", "runner-c"}) {
      cluster.startRunner(r, 6);
    }
    for (String r : new String[] {"runner-a", "runner-b", "runner-c"}) {
      cluster.awaitRunner(r, "");
    }
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  Workload startWorkload(long seed, DrillChecks[] checks) throws Exception {
    Workload work = new Workload(cluster.dir, seed);
    work.submitAll(cluster, 3, 20);
    checks[0] = new DrillChecks(cluster, work);
    DrillChecks c = checks[0];
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      long left = c.unfinished();
      return left >= 0 && left < work.jobs - 8;
    });
    return work;
  }

  /** Lock files of the jobs a runner holds right now (their probes hold the lock while any process lives). */
  List<Path> heldLocks(DrillChecks checks, Workload work, String runner) throws Exception {
    List<Path> locks = new ArrayList<>();
    try (Connection c = checks.connect(); PreparedStatement st = c.prepareStatement(
        "SELECT r.name || '-' || j.name FROM jobs j JOIN runs r ON r.id = j.run_id WHERE j.runner_id = ? AND j.state = 'RUNNING'")) {
      st.setString(1, runner);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          locks.add(work.probes.resolve(rs.getString(1) + ".lock"));
        }
      }
    }
    return locks;
  }

  static boolean lockFree(Path lock) {
    try {
      Process p = new ProcessBuilder("flock", "-n", lock.toString(), "true").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void sigstopARunnerForTwiceTheTtl() throws Exception {
    DrillReport report = new DrillReport("runner-sigstop");
    DrillChecks[] checks = new DrillChecks[1];
    Workload work = startWorkload(43, checks);
    List<Path> locks = heldLocks(checks[0], work, "runner-b");
    assertThat(locks).isNotEmpty();
    ServiceProcess b = cluster.service("runner-b");
    long frozenAt = System.currentTimeMillis();
    b.signal("STOP");
    try {
      // the watchers stop the frozen runner's jobs on their own before the lease can pass to another runner
      await().atMost(Duration.ofMillis(DrillCluster.TTL_MS)).pollInterval(Duration.ofMillis(50))
          .until(() -> locks.stream().allMatch(RunnerDrillTest::lockFree));
      long fencedMs = System.currentTimeMillis() - frozenAt;
      report.put("self_fenced_after_ms", fencedMs);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> System.currentTimeMillis() - frozenAt >= 2 * DrillCluster.TTL_MS);
    } finally {
      b.signal("CONT");
    }
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> checks[0].unfinished() == 0);
    // the thawed runner's late reports were refused and counted
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
        (cluster.service("orchestrator-1").log() + cluster.service("orchestrator-2").log()).contains("stale completion refused"));
    long refused = (cluster.service("orchestrator-1").log() + cluster.service("orchestrator-2").log()).lines()
        .filter(l -> l.contains("stale completion refused") && l.contains("runner runner-b")).count();
    assertThat(refused).isPositive();
    report.putAll(checks[0].verify()).put("stale_reports_refused", refused).put("frozen_ms", 2 * DrillCluster.TTL_MS).print();
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
