package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The run view shows each attempt's artifacts explicitly: stored (size, sha256) or missing (reason). */
class RunArtifactsTest {
  static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  private HubFixture f;
  private FakeOrchestrator orchestrator;

  @BeforeEach
  void setUp() {
    f = HubFixture.start();
    orchestrator = new FakeOrchestrator(f.vertx);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void storedAndMissingArtifactsAreListedPerAttempt() {
    JsonObject view = RunViews.run("SUCCEEDED", "LOST", "SUCCEEDED");
    JsonArray attempts = view.getJsonArray("jobs").getJsonObject(0).getJsonArray("attempts");
    JsonObject log = new JsonObject().put("size", 120).put("sha256", SHA).put("truncated", false)
        .put("artifacts", new JsonArray()
            .add(new JsonObject().put("path", "out/report.html").put("sha256", SHA).put("size", 4))
            .add(new JsonObject().put("name", "out/coverage.xml").put("missing", true)
                .put("reason", "artifact store unreachable after 6 tries"))
            .add(new JsonObject().put("missing", true).put("error", "disk full")));
    attempts.getJsonObject(1).put("log", log);
    orchestrator.on(Addresses.GET_RUN, m -> view);

    HubFixture.HttpReply r = f.get("/api/v1/runs/" + RunViews.RUN_ID);

    assertThat(r.status()).isEqualTo(200);
    JsonArray shown = r.json().getJsonArray("jobs").getJsonObject(0).getJsonArray("attempts");
    assertThat(shown.getJsonObject(0).getJsonArray("artifacts")).isEmpty(); // the lost attempt recorded nothing
    assertThat(shown.getJsonObject(1).getJsonArray("artifacts")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("name", "out/report.html").put("missing", false).put("size", 4L).put("sha256", SHA))
        .add(new JsonObject().put("name", "out/coverage.xml").put("missing", true)
            .put("reason", "artifact store unreachable after 6 tries"))
        .add(new JsonObject().putNull("name").put("missing", true).put("reason", "disk full")));
    // the log metadata itself is passed through unchanged
    assertThat(shown.getJsonObject(1).getJsonObject("log")).isEqualTo(log);
  }

  @Test
  void aMissingLogStillListsItsArtifacts() {
    JsonObject view = RunViews.run("FAILED", "FAILED");
    view.getJsonArray("jobs").getJsonObject(0).getJsonArray("attempts").getJsonObject(0)
        .put("log", new JsonObject().put("missing", true).put("error", "store gone")
            .put("artifacts", new JsonArray().add(new JsonObject().put("name", "a.txt").put("missing", true))));
    orchestrator.on(Addresses.GET_RUN, m -> view);

    JsonArray artifacts = f.get("/api/v1/runs/" + RunViews.RUN_ID).json().getJsonArray("jobs").getJsonObject(0)
        .getJsonArray("attempts").getJsonObject(0).getJsonArray("artifacts");

    assertThat(artifacts).isEqualTo(new JsonArray().add(new JsonObject().put("name", "a.txt").put("missing", true)
        .put("reason", AttemptArtifacts.UNKNOWN_REASON)));
  }

  @Test
  void malformedRecordsAreSkippedNotFatal() {
    assertThat(AttemptArtifacts.of(null)).isEmpty();
    assertThat(AttemptArtifacts.of("not an object")).isEmpty();
    assertThat(AttemptArtifacts.of(new JsonObject().put("artifacts", "nope"))).isEmpty();
    assertThat(AttemptArtifacts.of(new JsonObject().put("artifacts", new JsonArray().add(3).add("x")))).isEmpty();
  }
}
