package dev.reach.it.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL a runner mid-workload and restart it: every process of its jobs is gone within a
 * second (their watchers saw the runner die), and its leases are requeued as soon as the new
 * incarnation has swept and reported — here with a lease TTL (20 s) much longer than a JVM
 * restart, so the restart path, not the TTL, is what requeues them.
 */
class RunnerRestartDrillTest {
  private DrillCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new DrillCluster(Map.of("REACH_OUTAGE_RIDE_THROUGH_MS", "10000", "REACH_LEASE_TTL_MS", "20000"));
    cluster.startRunners(6, "runner-a", "runner-b", "runner-c");
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void sigkillAndRestartARunner() throws Exception {
    DrillReport report = new DrillReport("runner-sigkill-restart");
    DrillChecks checks = DrillChecks.midWorkload(cluster, 41);
    String oldIncarnation = cluster.awaitRunner("runner-a", "");
    List<Path> locks = checks.heldLocks("runner-a");
    assertThat(locks).as("runner-a is running jobs when it is killed").isNotEmpty();

    long killedAt = System.currentTimeMillis();
    cluster.service("runner-a").kill();
    // every process of the killed runner's jobs is gone within a second: their watchers saw the runner die
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).until(() -> locks.stream().allMatch(Workload::lockFree));
    long jobsGoneMs = System.currentTimeMillis() - killedAt;

    cluster.startRunner("runner-a", 6);
    String newIncarnation = cluster.awaitRunner("runner-a", oldIncarnation);
    long restartedAt = System.currentTimeMillis();
    // the killed incarnation's leases were expired when the new one reported its sweep, not after the TTL
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
        cluster.service("runner-a").log().contains("lease(s) of earlier incarnations") || 
        cluster.service("orchestrator-1").log().contains("restarted as incarnation " + newIncarnation)
        || cluster.service("orchestrator-2").log().contains("restarted as incarnation " + newIncarnation));
    long requeuedMs = System.currentTimeMillis() - killedAt;

    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> checks.unfinished() == 0);
    Map<String, Object> figures = checks.verify();
    try (Connection c = checks.connect(); PreparedStatement st = c.prepareStatement(
        "SELECT state, reason, count(*) FROM attempts WHERE runner_id = 'runner-a' AND incarnation = ?"
            + " GROUP BY state, reason ORDER BY state, reason")) {
      st.setString(1, oldIncarnation);
      Map<String, Long> ends = new java.util.TreeMap<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          ends.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3));
        }
      }
      long byRestart = ends.getOrDefault("LOST/runner_restarted", 0L);
      figures.put("runner_restarted_attempts", byRestart);
      assertThat(byRestart).as("the old incarnation's attempts ended by the restart report; they ended as %s "
          + "(restart reported %d ms after the kill)", ends, requeuedMs).isPositive();
    }
    report.putAll(figures).put("jobs_gone_after_kill_ms", jobsGoneMs).put("restart_ms", restartedAt - killedAt)
        .put("requeued_after_kill_ms", requeuedMs).print();
  }

}
