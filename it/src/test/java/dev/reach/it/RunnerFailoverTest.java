package dev.reach.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Across JVMs clustered over loopback: orchestrator, hub and artifact store in this JVM, two
 * runner JVMs. A runner that is killed or frozen loses its job to the other runner, and the two
 * attempts never overlap.
 */
class RunnerFailoverTest {
  private static final long TTL_MS = 3_000;
  private ClusterHarness cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new ClusterHarness(TTL_MS);
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  private String submit(String job, String command) {
    JsonObject run = new JsonObject().put("name", "failover").put("jobs", new JsonArray().add(
        new JsonObject().put("name", job).put("command", command).put("timeout_seconds", 120)));
    return cluster.api.submit(run.encode());
  }

  private JsonObject job(String runId, String name) {
    return Api.job(cluster.api.run(runId), name);
  }

  private void awaitRunnerRegistered(String id) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
        cluster.api.get("/api/v1/runners").json().getJsonArray("runners").stream()
            .anyMatch(r -> id.equals(((JsonObject) r).getString("id"))));
  }

  private JsonObject awaitRunningOn(String runId, String name, String runner, int attempt) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      JsonObject j = job(runId, name);
      JsonArray attempts = j.getJsonArray("attempts");
      return "RUNNING".equals(j.getString("state")) && attempts.size() == attempt
          && runner.equals(attempts.getJsonObject(attempt - 1).getString("runner"));
    });
    return job(runId, name);
  }

  private static void assertNoOverlap(OverlapProbe probe, int expectedStarts) throws Exception {
    List<String> lines = probe.lines();
    assertThat(lines).noneMatch(l -> l.startsWith("overlap"));
    assertThat(lines).filteredOn(l -> l.startsWith("start")).hasSize(expectedStarts);
    assertThat(lines).filteredOn(l -> l.startsWith("end 1")).as("the first attempt never finished").isEmpty();
  }

  @Test
  void aKilledRunnersJobRunsAgainOnTheOtherRunnerWithoutOverlap() throws Exception {
    OverlapProbe probe = new OverlapProbe(cluster.dir, "sleeper");
    Process a = cluster.startRunner("runner-a", 1);
    awaitRunnerRegistered("runner-a");
    String runId = submit("sleeper", probe.command(30));
    awaitRunningOn(runId, "sleeper", "runner-a", 1);
    cluster.startRunner("runner-b", 1);
    awaitRunnerRegistered("runner-b");

    long killedAt = System.currentTimeMillis();
    ProcessSignals.send("KILL", a.pid());
    a.waitFor();

    JsonObject second = awaitRunningOn(runId, "sleeper", "runner-b", 2);
    long startedAt = OffsetDateTime.parse(second.getJsonArray("attempts").getJsonObject(1).getString("started_at"))
        .toInstant().toEpochMilli();
    assertThat(startedAt - killedAt).as("restart delay after SIGKILL (ms)").isLessThan(TTL_MS + 5_000);

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> "SUCCEEDED".equals(job(runId, "sleeper").getString("state")));
    JsonObject done = job(runId, "sleeper");
    JsonArray attempts = done.getJsonArray("attempts");
    assertThat(attempts).hasSize(2);
    assertThat(attempts.getJsonObject(0).getString("runner")).isEqualTo("runner-a");
    assertThat(attempts.getJsonObject(0).getString("state")).isEqualTo("LOST");
    assertThat(attempts.getJsonObject(0).getString("reason")).isEqualTo("lease_expired");
    assertThat(attempts.getJsonObject(1).getString("runner")).isEqualTo("runner-b");
    assertThat(attempts.getJsonObject(1).getString("state")).isEqualTo("SUCCEEDED");
    assertNoOverlap(probe, 2);
    assertThat(probe.lines()).anyMatch(l -> l.startsWith("end 2"));
  }

  @Test
  void aFrozenRunnersJobIsFencedByItsWatcherAndItsLateCompletionIsStale() throws Exception {
    OverlapProbe probe = new OverlapProbe(cluster.dir, "frozen");
    Process a = cluster.startRunner("runner-a", 1);
    awaitRunnerRegistered("runner-a");
    String runId = submit("frozen", probe.command(8));
    JsonObject first = awaitRunningOn(runId, "frozen", "runner-a", 1);
    long firstToken = first.getJsonArray("attempts").getJsonObject(0).getLong("token");
    cluster.startRunner("runner-b", 1);
    awaitRunnerRegistered("runner-b");

    long frozenAt = System.currentTimeMillis();
    ProcessSignals.send("STOP", a.pid());
    try {
      // A stays frozen until B runs the job and twice the TTL has passed
      awaitRunningOn(runId, "frozen", "runner-b", 2);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> System.currentTimeMillis() - frozenAt >= 2 * TTL_MS);
    } finally {
      ProcessSignals.send("CONT", a.pid());
    }

    // the watcher killed attempt 1 on its own (the JVM was frozen), before the lease could pass to B
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> "SUCCEEDED".equals(job(runId, "frozen").getString("state")));
    assertNoOverlap(probe, 2);
    JsonArray attempts = job(runId, "frozen").getJsonArray("attempts");
    assertThat(attempts.getJsonObject(0).getString("state")).isEqualTo("LOST");
    assertThat(attempts.getJsonObject(1).getString("runner")).isEqualTo("runner-b");

    // A wakes up and reports its fenced attempt: refused as stale, nothing changes
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> cluster.runnerLog("runner-a").contains("(token " + firstToken + ", reason self_fenced) refused as stale"));
    JsonObject after = job(runId, "frozen");
    assertThat(after.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(after.getJsonArray("attempts").getJsonObject(0).getString("reason")).isEqualTo("lease_expired");
  }
}
