package dev.reach.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
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
    reach.close();
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
}
