package dev.reach.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retention end to end: with {@code REACH_RETENTION_MS} short, the leader has the artifact store
 * purge a finished run's log and artifact files (the run, its attempts and events stay, the log
 * answers {@code 410 PURGED}), while a run still in flight keeps everything.
 */
class RetentionEndToEndTest {
  private static InProcessReach reach;

  @BeforeAll
  static void start() throws Exception {
    reach = new InProcessReach(1, 2, Map.of(
        "REACH_RETENTION_MS", "2000",
        "REACH_RETENTION_INTERVAL_MS", "200",
        "REACH_BLOB_GRACE_MS", "0"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (reach != null) {
      reach.close();
    }
  }

  @Test
  void aFinishedRunsLogsAndArtifactsArePurgedAndItsHistoryStays() throws Exception {
    String running = reach.api.submit("""
        {"name": "in-flight", "jobs": [{"name": "long", "command": "echo still here; sleep 60"}]}""");
    String done = reach.api.submit(new JsonObject().put("name", "done").put("jobs", new JsonArray().add(new JsonObject()
        .put("name", "build").put("command", "echo built; mkdir -p out && echo retention-test-bytes > out/a.txt")
        .put("artifacts", new JsonArray().add("out/*.txt")))).encode());
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> reach.api.run(done).getString("state").equals("SUCCEEDED"));
    JsonObject job = Api.job(reach.api.run(done), "build");
    String jobId = job.getString("id");
    String sha = job.getJsonArray("attempts").getJsonObject(0).getJsonObject("log").getJsonArray("artifacts")
        .getJsonObject(0).getString("sha256");
    Path artifacts = reach.dir.resolve("artifacts");
    assertThat(blobs(artifacts)).anyMatch(p -> p.getFileName().toString().equals(sha));

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> reach.api.run(done).getValue("purged_at") != null);

    JsonObject run = reach.api.run(done);
    assertThat(run.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(Api.job(run, "build").getJsonArray("attempts")).hasSize(1);
    Api.Response log = reach.api.get("/api/v1/runs/" + done + "/jobs/build/log");
    assertThat(log.status()).isEqualTo(410);
    assertThat(log.json().getJsonObject("error").getString("code")).isEqualTo("PURGED");
    assertThat(Files.exists(artifacts.resolve("logs").resolve(jobId))).isFalse();
    assertThat(blobs(artifacts)).noneMatch(p -> p.getFileName().toString().equals(sha));
    var event = reach.orchestrator.db().pool()
        .preparedQuery("SELECT payload FROM events WHERE type = 'run_purged' AND run_id = $1")
        .execute(Tuple.of(UUID.fromString(done))).await();
    assertThat(event.size()).isEqualTo(1);
    assertThat(event.iterator().next().getJsonObject("payload").getLong("artifacts")).isEqualTo(1);

    JsonObject status = reach.vertx.eventBus().<JsonObject>request(Addresses.ORCHESTRATOR_STATUS, new JsonObject())
        .await().body();
    assertThat(status.getJsonObject("retention").getLong("runs_purged")).isGreaterThanOrEqualTo(1);

    JsonObject inFlight = reach.api.run(running);
    assertThat(inFlight.getValue("purged_at")).isNull();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> reach.api.get("/api/v1/runs/" + running + "/jobs/long/log").body().startsWith("still here"));
    reach.api.post("/api/v1/runs/" + running + "/cancel", "");
  }

  private static java.util.List<Path> blobs(Path artifacts) throws Exception {
    Path root = artifacts.resolve("blobs");
    if (!Files.exists(root)) {
      return java.util.List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
