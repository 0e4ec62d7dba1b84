package dev.reach.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.bus.Addresses;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** From an HTTP submission to finished jobs, with every service in one JVM. */
class EndToEndTest {
  private static InProcessReach reach;

  @BeforeAll
  static void start() throws Exception {
    reach = new InProcessReach(1, 4, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (reach != null) {
      reach.close();
    }
  }

  @Test
  void threeJobsEndWithTheRightStatesExitCodesReasonsAndLogs() {
    String id = reach.api.submit("""
        {"name": "three", "jobs": [
          {"name": "ok", "command": "echo hello from ok; echo to-stderr >&2"},
          {"name": "three", "command": "echo failing; exit 3"},
          {"name": "slow", "command": "echo slow start; sleep 30", "timeout_seconds": 1}
        ]}""");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> !reach.api.run(id).getString("state").matches("QUEUED|RUNNING"));
    JsonObject run = reach.api.run(id);
    assertThat(run.getString("state")).isEqualTo("FAILED");

    JsonObject ok = Api.job(run, "ok");
    assertThat(ok.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(ok.getInteger("exit_code")).isZero();
    assertThat(ok.getString("reason")).isEqualTo("exit_code");

    JsonObject three = Api.job(run, "three");
    assertThat(three.getString("state")).isEqualTo("FAILED");
    assertThat(three.getInteger("exit_code")).isEqualTo(3);
    assertThat(three.getString("reason")).isEqualTo("exit_code");

    JsonObject slow = Api.job(run, "slow");
    assertThat(slow.getString("state")).isEqualTo("FAILED");
    assertThat(slow.getString("reason")).isEqualTo("timeout");
    assertThat(slow.getJsonArray("attempts")).hasSize(1);

    assertThat(reach.api.get("/api/v1/runs/" + id + "/jobs/ok/log").body()).isEqualTo("hello from ok\nto-stderr\n");
    assertThat(reach.api.get("/api/v1/runs/" + id + "/jobs/three/log").body()).isEqualTo("failing\n");
    assertThat(reach.api.get("/api/v1/runs/" + id + "/jobs/slow/log").body()).isEqualTo("slow start\n");
  }

  /**
   * Whether {@code pid} still runs. A zombie does not: it answers {@link ProcessHandle#isAlive()} (and
   * {@code kill -0}) until it is reaped, and in a container whose PID 1 is not an init an orphaned,
   * killed process may stay one.
   */
  private static boolean running(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (java.io.IOException e) {
      return false; // gone
    }
    // "pid (comm) state ...": comm may hold blanks and parentheses
    char state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state != 'Z' && state != 'X' && state != 'x';
  }

  private static JsonObject awaitFinished(String id) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> !reach.api.run(id).getString("state").matches("QUEUED|RUNNING"));
    return reach.api.run(id);
  }

  @Test
  void artifactsMatchingTheGlobsAreStoredByContentAndCanBeDownloaded() {
    String id = reach.api.submit(new JsonObject().put("name", "artifacts").put("jobs", new JsonArray().add(new JsonObject()
        .put("name", "build").put("command", "mkdir -p out/sub && echo one > out/a.txt && echo two > out/sub/b.txt && echo no > c.log")
        .put("artifacts", new JsonArray().add("out/*.txt").add("out/**/*.txt")))).encode());
    JsonObject job = Api.job(awaitFinished(id), "build");
    assertThat(job.getString("state")).isEqualTo("SUCCEEDED");
    JsonArray files = job.getJsonArray("attempts").getJsonObject(0).getJsonObject("log").getJsonArray("artifacts");
    assertThat(files.stream().map(f -> ((JsonObject) f).getString("path"))).containsExactlyInAnyOrder("out/a.txt", "out/sub/b.txt");
    String jobId = job.getString("id");
    var http = java.net.http.HttpClient.newHttpClient();
    String body = reach.vertx.eventBus().<JsonObject>request(Addresses.ARTIFACT_ENDPOINT, new JsonObject())
        .map(m -> m.body().getString("url")).await();
    try {
      var resp = http.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(body + "/v1/artifacts/" + jobId + "/1/out/sub/b.txt")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(resp.body()).isEqualTo("two\n");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void cancellingARunKillsItsRunningProcess() throws Exception {
    Path pidFile = reach.dir.resolve("cancel-me.pid");
    String id = reach.api.submit(new JsonObject().put("name", "cancel").put("jobs", new JsonArray().add(new JsonObject()
        .put("name", "wait").put("command", "echo $$ > '" + pidFile + "'; exec sleep 300"))).encode());
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank()
        && "RUNNING".equals(Api.job(reach.api.run(id), "wait").getString("state")));
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertThat(running(pid)).isTrue();

    Api.Response cancel = reach.api.post("/api/v1/runs/" + id + "/cancel", "");
    assertThat(cancel.status()).isEqualTo(200);
    assertThat(cancel.json().getString("state")).isEqualTo("CANCELLED");
    await().atMost(Duration.ofSeconds(10)).until(() -> !running(pid));
    JsonObject job = Api.job(reach.api.run(id), "wait");
    assertThat(job.getString("state")).isEqualTo("CANCELLED");
    assertThat(job.getString("reason")).isEqualTo("cancelled");
  }

  @Test
  void aMalformedMessageGetsAFailureReplyWithAReason() {
    // a runner that joined (auth is on): what it sends is parsed, and refused when malformed
    io.vertx.core.eventbus.DeliveryOptions joined = dev.reach.shared.bus.JoinCredential.forToken(ItTokens.JOIN)
        .stamp(new io.vertx.core.eventbus.DeliveryOptions());
    Throwable t = reach.vertx.eventBus().request(Addresses.CLAIM, new JsonObject().put("runner_id", "x"), joined)
        .map(m -> (Throwable) null).otherwise(e -> e).await();
    assertThat(t).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) t).failureCode()).isEqualTo(400);
    assertThat(new JsonObject(t.getMessage()).getString("code")).isEqualTo("MALFORMED_MESSAGE");
    assertThat(new JsonObject(t.getMessage()).getString("field")).isNotBlank();

    Throwable notJson = reach.vertx.eventBus().request(Addresses.HEARTBEAT, "not json")
        .map(m -> (Throwable) null).otherwise(e -> e).await();
    assertThat(new JsonObject(notJson.getMessage()).getString("code")).isEqualTo("MALFORMED_MESSAGE");
  }
}
