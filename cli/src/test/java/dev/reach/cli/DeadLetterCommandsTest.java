package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code reachctl dead-letters list|show|requeue} against a stub of the hub (the JDK's HTTP server). */
class DeadLetterCommandsTest {
  static final String JOB_ID = "5f0c9d8e-1111-4c4c-8888-a0b1c2d3e4f5";
  static final String RUN_ID = "0b7e7f0e-3c2a-4a47-9a59-5d1f0f3f6a01";
  static final String NEW_RUN = "7d1b8a52-0c1e-4d7f-9a3b-2f6e4c5d8e90";

  private HttpServer server;
  private String api;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private JsonArray letters = new JsonArray();

  @BeforeEach
  void startStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    api = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stopStub() {
    server.stop(0);
  }

  static JsonObject letter(JsonArray requeued) {
    return new JsonObject().put("job_id", JOB_ID).put("run_id", RUN_ID).put("job_name", "build")
        .put("quarantined_at", "2026-11-01T10:05:00Z").put("reason", "lost_too_often").put("lost_attempts", 3)
        .put("requeued_runs", requeued);
  }

  static JsonObject attempt(int n, String runner, long token, String reason) {
    return new JsonObject().put("number", n).put("token", token).put("runner", runner).put("incarnation", "inc-" + n)
        .put("state", "LOST").put("reason", reason).put("exit_code", null)
        .put("leased_at", "2026-11-01T10:0" + n + ":00Z").put("started_at", null).put("ended_at", "2026-11-01T10:0" + n + ":30Z");
  }

  private void handle(HttpExchange ex) throws IOException {
    ex.getRequestBody().readAllBytes();
    requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
    String path = ex.getRequestURI().getRawPath();
    boolean post = ex.getRequestMethod().equals("POST");
    if (!post && path.equals("/api/v1/dead-letters")) {
      reply(ex, 200, new JsonObject().put("dead_letters", letters));
    } else if (!post && path.equals("/api/v1/dead-letters/" + JOB_ID)) {
      reply(ex, 200, letter(new JsonArray().add(NEW_RUN))
          .put("spec", new JsonObject().put("name", "build").put("command", "make -j4"))
          .put("attempts", new JsonArray().add(attempt(1, "r1", 41, "runner_restarted")).add(attempt(2, "r2", 57, "lease_expired"))));
    } else if (post && path.equals("/api/v1/dead-letters/" + JOB_ID + "/requeue")) {
      reply(ex, 201, new JsonObject().put("run_id", NEW_RUN).put("requeue_of", JOB_ID).put("requeue_of_run", RUN_ID));
    } else if (path.startsWith("/api/v1/dead-letters/not-a-uuid")) {
      reply(ex, 400, error("INVALID_REQUEST", "job_id must be a UUID", "job_id"));
    } else {
      reply(ex, 404, error("DEAD_LETTER_NOT_FOUND", "no dead letter for this job", null));
    }
  }

  private static JsonObject error(String code, String message, String field) {
    JsonObject e = new JsonObject().put("code", code).put("message", message).put("retryable", false);
    if (field != null) {
      e.put("field", field);
    }
    return new JsonObject().put("error", e);
  }

  private static void reply(HttpExchange ex, int status, JsonObject body) throws IOException {
    byte[] b = body.encode().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Test
  void listPrintsATableAndPassesTheLimit() {
    letters = new JsonArray().add(letter(new JsonArray())).add(letter(new JsonArray().add(NEW_RUN).add(RUN_ID)));
    CliHarness h = new CliHarness();
    assertThat(h.run("dead-letters", "list", "--limit", "5", "--api", api)).isEqualTo(0);
    String[] lines = h.out().split("\\R");
    assertThat(lines[0]).startsWith("JOB ID").contains("JOB", "RUN", "QUARANTINED AT", "REASON", "LOST", "REQUEUED AS");
    assertThat(lines[1]).startsWith(JOB_ID).contains("build", RUN_ID, "2026-11-01T10:05:00Z", "lost_too_often", " 3 ")
        .endsWith("-");
    assertThat(lines[2]).endsWith(NEW_RUN + "," + RUN_ID);
    assertThat(lines).hasSize(3);
    assertThat(requests).containsExactly("GET /api/v1/dead-letters?limit=5");
  }

  @Test
  void listWithoutDeadLettersSaysSoAndJsonIsTheApiAnswer() {
    CliHarness empty = new CliHarness();
    assertThat(empty.run("dead-letters", "list", "--api", api)).isEqualTo(0);
    assertThat(empty.out().strip()).isEqualTo("no dead letters");
    assertThat(requests).containsExactly("GET /api/v1/dead-letters");

    letters = new JsonArray().add(letter(new JsonArray()));
    CliHarness json = new CliHarness();
    assertThat(json.run("dead-letters", "list", "--json", "--api", api)).isEqualTo(0);
    assertThat(new JsonObject(json.out())).isEqualTo(new JsonObject().put("dead_letters", letters));
  }

  @Test
  void showPrintsTheJobItsCommandAndEachLostAttempt() {
    CliHarness h = new CliHarness();
    assertThat(h.run("dead-letters", "show", JOB_ID, "--api", api)).isEqualTo(0);
    String[] lines = h.out().split("\\R");
    assertThat(lines[0]).isEqualTo("dead letter " + JOB_ID + ": job build of run " + RUN_ID);
    assertThat(lines[1]).isEqualTo("quarantined at 2026-11-01T10:05:00Z (lost_too_often)");
    assertThat(lines[2]).isEqualTo("command: make -j4");
    assertThat(lines[3]).isEqualTo("requeued as: " + NEW_RUN);
    assertThat(lines[4]).startsWith("ATTEMPT").contains("STATE", "RUNNER", "INCARNATION", "TOKEN", "EXIT", "REASON", "ENDED AT");
    assertThat(lines[5]).startsWith("#1").contains("LOST", "r1", "inc-1", "41", "runner_restarted", "2026-11-01T10:01:30Z");
    assertThat(lines[6]).startsWith("#2").contains("r2", "57", "lease_expired");
    assertThat(lines).hasSize(7);
  }

  @Test
  void requeuePostsAndPrintsTheNewRunId() {
    CliHarness h = new CliHarness();
    assertThat(h.run("dead-letters", "requeue", JOB_ID, "--api", api)).isEqualTo(0);
    assertThat(h.out().strip()).isEqualTo(NEW_RUN);
    assertThat(h.err()).contains(JOB_ID, RUN_ID, "requeued");
    assertThat(requests).containsExactly("POST /api/v1/dead-letters/" + JOB_ID + "/requeue");

    CliHarness json = new CliHarness();
    assertThat(json.run("dead-letters", "requeue", JOB_ID, "--json", "--api", api)).isEqualTo(0);
    assertThat(new JsonObject(json.out()).getString("requeue_of_run")).isEqualTo(RUN_ID);
  }

  @Test
  void apiErrorsExit1WithCodeAndField() {
    String unknown = "0b7e7f0e-0000-4a47-9a59-5d1f0f3f6a01";
    CliHarness show = new CliHarness();
    assertThat(show.run("dead-letters", "show", unknown, "--api", api)).isEqualTo(1);
    assertThat(show.err().strip()).isEqualTo("error DEAD_LETTER_NOT_FOUND: no dead letter for this job");

    CliHarness requeue = new CliHarness();
    assertThat(requeue.run("dead-letters", "requeue", unknown, "--api", api)).isEqualTo(1);
    assertThat(requeue.err()).contains("DEAD_LETTER_NOT_FOUND");
    assertThat(requeue.out()).isEmpty();

    CliHarness bad = new CliHarness();
    assertThat(bad.run("dead-letters", "show", "not-a-uuid", "--api", api)).isEqualTo(1);
    assertThat(bad.err().strip()).isEqualTo("error INVALID_REQUEST: job_id must be a UUID (field job_id)");
  }

  @Test
  void usageErrorsExit2AndAnUnreachableApiExits3() throws IOException {
    CliHarness none = new CliHarness();
    assertThat(none.run("dead-letters")).isEqualTo(2);
    assertThat(none.err()).contains("Usage: reachctl dead-letters", "list", "show", "requeue");
    assertThat(new CliHarness().run("dead-letters", "show", "--api", api)).isEqualTo(2);
    assertThat(new CliHarness().run("dead-letters", "list", "--limit", "many", "--api", api)).isEqualTo(2);
    assertThat(requests).isEmpty();

    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String dead = "http://127.0.0.1:" + port;
    for (String[] args : new String[][] {
        {"dead-letters", "list", "--api", dead}, {"dead-letters", "show", JOB_ID, "--api", dead},
        {"dead-letters", "requeue", JOB_ID, "--api", dead}}) {
      CliHarness h = new CliHarness();
      assertThat(h.run(args)).as(String.join(" ", args)).isEqualTo(3);
      assertThat(h.err()).contains("cannot reach the Reach hub at " + dead);
    }
  }
}
