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

/** The artifact store stopped for the length of a job: the artifact is recorded missing, the job's result is right. */
class ArtifactStoreOutageDrillTest {
  private DrillCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new DrillCluster(Map.of(
        "REACH_OUTAGE_RIDE_THROUGH_MS", "10000",
        "REACH_ARTIFACT_RETRY_TRIES", "3",
        "REACH_ARTIFACT_RETRY_MAX_DELAY_MS", "500"));
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void anArtifactThatCannotBeUploadedIsMissingAndTheJobStillSucceeds() throws Exception {
    DrillReport report = new DrillReport("artifact-store-down");
    cluster.startRunners(8, "runner-a", "runner-b");
    Workload work = new Workload(cluster.dir, 31);
    work.submitAll(cluster, 2, 25);
    JsonObject withArtifact = new JsonObject().put("name", "artifact").put("jobs", new JsonArray().add(new JsonObject()
        .put("name", "produce").put("command", "echo result > out.txt; sleep 4").put("artifacts", new JsonArray().add("out.txt"))));
    String runId = work.submit(cluster, withArtifact);
    DrillChecks checks = new DrillChecks(cluster, work);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> "RUNNING".equals(produce(runId).getString("state")));

    ServiceProcess store = cluster.service("artifact-store");
    long downAt = System.currentTimeMillis();
    store.kill();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> "SUCCEEDED".equals(produce(runId).getString("state")));
    long jobDoneAt = System.currentTimeMillis();
    cluster.startService("artifact-store", "artifact-store", Map.of("REACH_ARTIFACT_DIR", cluster.dir.resolve("artifacts").toString()));
    cluster.awaitUp(cluster.service("artifact-store"));
    long upAt = System.currentTimeMillis();

    JsonObject attempt = produce(runId).getJsonArray("attempts").getJsonObject(0);
    JsonArray artifacts = attempt.getJsonArray("artifacts");
    assertThat(artifacts).as("the API lists the attempt's artifacts explicitly: " + attempt.encode()).isNotNull().hasSize(1);
    JsonObject out = artifacts.getJsonObject(0);
    assertThat(out.getString("name")).isEqualTo("out.txt");
    assertThat(out.getBoolean("missing")).isTrue();
    assertThat(out.getString("reason")).isNotBlank();
    assertThat(produce(runId).getInteger("exit_code")).isZero();

    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> checks.unfinished() == 0);
    report.putAll(checks.verify()).put("store_down_ms", upAt - downAt).put("job_done_while_down_ms", jobDoneAt - downAt).print();
  }

  private JsonObject produce(String runId) {
    var r = cluster.get("/api/v1/runs/" + runId);
    JsonObject run = new JsonObject(r.body());
    return run.getJsonArray("jobs").getJsonObject(0);
  }
}
