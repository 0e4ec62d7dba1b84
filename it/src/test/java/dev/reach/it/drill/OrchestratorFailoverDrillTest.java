package dev.reach.it.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SIGKILL the leader orchestrator mid-workload: the other takes over, nothing is lost or doubled. */
class OrchestratorFailoverDrillTest {
  private DrillCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new DrillCluster(Map.of("REACH_OUTAGE_RIDE_THROUGH_MS", "10000"));
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void killingTheLeaderHandsLeadershipToTheOtherOrchestrator() throws Exception {
    DrillReport report = new DrillReport("kill-leader");
    cluster.startRunners(6, "runner-a", "runner-b", "runner-c");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.leader() != null);
    String leader = cluster.leader();
    String other = leader.equals("orchestrator-1") ? "orchestrator-2" : "orchestrator-1";

    Workload work = new Workload(cluster.dir, 11);
    work.submitAll(cluster, 3, 20);
    DrillChecks checks = new DrillChecks(cluster, work);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      long left = checks.unfinished();
      return left >= 0 && left < work.jobs - 5; // some jobs done, most still to run
    });

    long killedAt = System.currentTimeMillis();
    cluster.service(leader).kill();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> other.equals(cluster.leader()));
    long takeoverMs;
    try (Connection c = checks.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT (extract(epoch FROM at) * 1000)::bigint, payload->>'leader_id' FROM events "
            + "WHERE type = 'leader_elected' ORDER BY seq DESC LIMIT 1")) {
      rs.next();
      takeoverMs = rs.getLong(1) - killedAt;
      assertThat(rs.getString(2)).startsWith("orchestrator-");
    }
    // a new submission is served by the survivor
    work.submitAll(cluster, 1, 10);

    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> checks.unfinished() == 0);
    report.putAll(checks.verify()).put("takeover_ms", takeoverMs).print();
    assertThat(takeoverMs).as("takeover after the leader's SIGKILL (ms)").isLessThan(30_000);
  }
}
