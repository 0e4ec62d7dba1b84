package dev.reach.it.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A poison job that kills its runner every time it runs: it is quarantined with a dead letter,
 * its innocent neighbours (lost with it) are not, and the fleet — restarted like a container
 * restart policy would — keeps serving.
 */
class PoisonJobDrillTest {
  /**
   * Walks up from the job's shell to the runner JVM and SIGKILLs it. The pattern is written so
   * that it does not match itself (the job's own {@code sh -c} command line contains it).
   */
  static final String POISON = "p=$$; while [ \"$p\" -gt 1 ]; do "
      + "if tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -q 'ReachCtl[ ]service[ ]runner'; then kill -9 $p; break; fi; "
      + "p=$(awk '{print $4}' /proc/$p/stat); done; sleep 30";

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
  void aPoisonJobIsQuarantinedAndItsNeighboursAreNot() throws Exception {
    DrillReport report = new DrillReport("poison-job");
    cluster.startRunners(6, "runner-a", "runner-b", "runner-c");
    for (String r : new String[] {"runner-a", "runner-b", "runner-c"}) {
      cluster.supervise(r, 6);
    }
    Workload work = new Workload(cluster.dir, 53);
    JsonObject run = work.run("mixed", 50);
    run.getJsonArray("jobs").add(new JsonObject().put("name", "poison").put("command", POISON)
        .put("timeout_seconds", 120).put("max_lost_attempts", 3));
    long submittedAt = System.currentTimeMillis();
    String runId = work.submit(cluster, run);
    DrillChecks checks = new DrillChecks(cluster, work);
    await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(250)).until(() -> checks.unfinished() == 0);
    long settledMs = System.currentTimeMillis() - submittedAt;

    JsonObject result = new JsonObject(cluster.get("/api/v1/runs/" + runId).body());
    long quarantined = 0;
    for (Object o : result.getJsonArray("jobs")) {
      JsonObject j = (JsonObject) o;
      if (j.getString("name").equals("poison")) {
        assertThat(j.getString("state")).as(j.encodePrettily()).isEqualTo("QUARANTINED");
        quarantined++;
      } else {
        assertThat(j.getString("state")).as("innocent neighbour " + j.getString("name")).isEqualTo("SUCCEEDED");
      }
    }
    assertThat(quarantined).isEqualTo(1);
    JsonArray letters = new JsonObject(cluster.get("/api/v1/dead-letters").body()).getJsonArray("dead_letters");
    assertThat(letters).hasSize(1);
    assertThat(letters.getJsonObject(0).getString("job_name")).isEqualTo("poison");

    // the fleet keeps serving
    Workload after = new Workload(cluster.dir.resolve("after"), 59);
    after.submitAll(cluster, 1, 10);
    DrillChecks afterChecks = new DrillChecks(cluster, after);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> afterChecks.unfinished() == 0);
    afterChecks.verify();
    report.putAll(checks.verify()).put("runner_restarts", cluster.restarts()).put("settled_ms", settledMs).print();
  }
}
