package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How {@code submit --follow} draws: one line redrawn on a terminal, plain lines on change elsewhere. */
class RunFollowerTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void offATerminalAPlainLinePerChangeAndNoControlCodes() {
    RunFollower.Progress p = new RunFollower.Progress(out, false);
    p.status("[0.5s] run RUNNING: 0/2 jobs done", "0/2");
    p.status("[1.0s] run RUNNING: 0/2 jobs done", "0/2"); // same counts: not printed again
    p.log("fail", "boom");
    p.status("[1.5s] run FAILED: 2/2 jobs done", "2/2");
    p.end();
    assertThat(text()).isEqualTo("[0.5s] run RUNNING: 0/2 jobs done\n  fail | boom\n[1.5s] run FAILED: 2/2 jobs done\n");
  }

  @Test
  void onATerminalTheLineIsRedrawnAndLogLinesGoAboveIt() {
    RunFollower.Progress p = new RunFollower.Progress(out, true);
    p.status("[0.5s] a", "k");
    p.status("[1.0s] a", "k");
    p.log("fail", "boom");
    p.end();
    String erase = "\r\033[2K";
    assertThat(text()).isEqualTo(erase + "[0.5s] a" + erase + "[1.0s] a" + erase + "  fail | boom\n" + "[1.0s] a" + "\n");
  }

  @Test
  void countsAndTheFailingJob() {
    JsonObject run = new JsonObject().put("state", "RUNNING").put("jobs", new JsonArray()
        .add(new JsonObject().put("name", "a").put("state", "SUCCEEDED"))
        .add(new JsonObject().put("name", "b").put("state", "RUNNING").put("attempt", 2).put("attempts", new JsonArray()
            .add(new JsonObject().put("number", 1).put("state", "FAILED"))
            .add(new JsonObject().put("number", 2).put("state", "RUNNING"))))
        .add(new JsonObject().put("name", "c").put("state", "QUEUED"))
        .add(new JsonObject().put("name", "d").put("state", "QUARANTINED")));
    assertThat(RunFollower.key(run)).isEqualTo("2/4 jobs done, 1 running, 1 queued, 1 failed");
    assertThat(RunFollower.failingJob(run)).isEqualTo("b"); // retried after a failed attempt: followed from attempt 1
    assertThat(RunFollower.firstFailedAttempt(run.getJsonArray("jobs").getJsonObject(1))).isEqualTo(1);
  }
}
