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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API client commands against a stub of the hub (the JDK's HTTP server). */
class ClientCommandsTest {
  static final String RUN_ID = "0b7e7f0e-3c2a-4a47-9a59-5d1f0f3f6a01";

  private HttpServer server;
  private String api;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  /** Replies served in order for GET /api/v1/runs/{id}; the last one repeats. */
  private final Deque<JsonObject> runReplies = new ArrayDeque<>();
  private int submitStatus = 201;
  private String submitBody = new JsonObject().put("id", RUN_ID).encode();

  record Recorded(String method, String uri, Map<String, List<String>> headers, String body) {}

  @TempDir Path tmp;

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

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String uri = ex.getRequestURI().toString();
    requests.add(new Recorded(ex.getRequestMethod(), uri, Map.copyOf(ex.getRequestHeaders()), body));
    String path = ex.getRequestURI().getRawPath();
    if (ex.getRequestMethod().equals("POST") && path.equals("/api/v1/runs")) {
      reply(ex, submitStatus, submitBody);
    } else if (path.equals("/api/v1/runs/" + RUN_ID)) {
      JsonObject r;
      synchronized (runReplies) {
        r = runReplies.size() > 1 ? runReplies.poll() : runReplies.peek();
      }
      reply(ex, 200, r.encode());
    } else if (path.equals("/api/v1/runs/nope")) {
      reply(ex, 404, error("RUN_NOT_FOUND", "no run nope", null, false));
    } else if (path.equals("/api/v1/runs/" + RUN_ID + "/cancel")) {
      reply(ex, 200, new JsonObject().put("id", RUN_ID).put("state", "CANCELLED").put("cancelled_jobs", 2).encode());
    } else if (path.startsWith("/api/v1/runs/" + RUN_ID + "/jobs/")) {
      ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        out.write("line one\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        out.write("line two\n".getBytes(StandardCharsets.UTF_8));
      }
    } else if (path.equals("/api/v1/runners")) {
      JsonArray runners = new JsonArray()
          .add(new JsonObject().put("id", "dev-runner-1").put("incarnation", "inc-1").put("slots", 2).put("active", 1)
              .put("labels", new JsonArray().add("linux").add("x86")).put("first_seen_at", "2026-11-01T10:00:00Z")
              .put("last_heartbeat_at", "2026-11-01T10:05:00Z"));
      reply(ex, 200, new JsonObject().put("runners", runners).encode());
    } else {
      reply(ex, 404, error("NOT_FOUND", "no route", null, false));
    }
  }

  private static String error(String code, String message, String field, boolean retryable) {
    JsonObject e = new JsonObject().put("code", code).put("message", message).put("retryable", retryable);
    if (field != null) {
      e.put("field", field);
    }
    return new JsonObject().put("error", e).encode();
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  static JsonObject run(String state, String jobState, JsonObject... attempts) {
    JsonArray as = new JsonArray();
    for (JsonObject a : attempts) {
      as.add(a);
    }
    JsonObject job = new JsonObject().put("id", "j-1").put("name", "build").put("state", jobState)
        .put("exit_code", null).put("reason", null).put("attempt", attempts.length).put("attempts", as);
    JsonObject other = new JsonObject().put("id", "j-2").put("name", "test").put("state", "QUEUED")
        .put("exit_code", null).put("reason", null).put("attempt", 0).put("attempts", new JsonArray());
    return new JsonObject().put("id", RUN_ID).put("name", "nightly").put("state", state)
        .put("created_at", "2026-11-01T10:00:00Z").put("cancel_requested_at", null)
        .put("jobs", new JsonArray().add(job).add(other));
  }

  static JsonObject attempt(int n, String state, String runner, long token, Integer exit, String reason) {
    return new JsonObject().put("number", n).put("token", token).put("runner", runner).put("state", state)
        .put("reason", reason).put("exit_code", exit);
  }

  @Test
  void submitPostsTheFileAndPrintsTheRunId() throws IOException {
    Path f = tmp.resolve("run.json");
    Files.writeString(f, "{\"name\":\"nightly\",\"jobs\":[{\"name\":\"build\",\"command\":\"true\"}]}");
    CliHarness h = new CliHarness();
    assertThat(h.run("submit", f.toString(), "--api", api, "--idempotency-key", "key-1")).isEqualTo(0);
    assertThat(h.out().strip()).isEqualTo(RUN_ID);
    Recorded r = requests.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.uri()).isEqualTo("/api/v1/runs");
    assertThat(r.body()).contains("\"nightly\"");
    assertThat(r.headers().get("Idempotency-key")).containsExactly("key-1");
    assertThat(r.headers().get("Content-type")).containsExactly("application/json");
  }

  @Test
  void submitReadsStdinAndPrintsJson() {
    CliHarness h = new CliHarness().env(Map.of("REACH_API", api)).stdin("{\"name\":\"x\",\"jobs\":[]}");
    assertThat(h.run("submit", "-", "--json")).isEqualTo(0);
    assertThat(new JsonObject(h.out()).getString("id")).isEqualTo(RUN_ID);
    assertThat(requests.get(0).body()).isEqualTo("{\"name\":\"x\",\"jobs\":[]}");
    assertThat(requests.get(0).headers()).doesNotContainKey("Idempotency-key");
  }

  @Test
  void submitSaysWhenTheKeyNamedAnEarlierRun() {
    submitStatus = 200;
    CliHarness h = new CliHarness().stdin("{}");
    assertThat(h.run("submit", "-", "--api", api, "--idempotency-key", "k")).isEqualTo(0);
    assertThat(h.out().strip()).isEqualTo(RUN_ID);
    assertThat(h.err()).contains("existing run");
  }

  @Test
  void submitErrorPrintsCodeMessageAndField() {
    submitStatus = 400;
    submitBody = error("INVALID_SPEC", "field 'jobs[0].name' must match [A-Za-z0-9]", "jobs[0].name", false);
    CliHarness h = new CliHarness().stdin("{}");
    assertThat(h.run("submit", "-", "--api", api)).isEqualTo(1);
    assertThat(h.err().strip()).isEqualTo("error INVALID_SPEC: field 'jobs[0].name' must match [A-Za-z0-9] (field jobs[0].name)");
    assertThat(h.out()).isEmpty();
  }

  @Test
  void submitOfAMissingFileIsAUsageError() {
    CliHarness h = new CliHarness();
    assertThat(h.run("submit", tmp.resolve("absent.json").toString(), "--api", api)).isEqualTo(2);
    assertThat(h.err()).contains("cannot read", "absent.json");
    assertThat(requests).isEmpty();
  }

  @Test
  void unreachableApiExits3() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String dead = "http://127.0.0.1:" + port;
    for (String[] args : new String[][] {
        {"runners", "--api", dead}, {"status", RUN_ID, "--api", dead}, {"cancel", RUN_ID, "--api", dead},
        {"logs", RUN_ID, "build", "--api", dead}}) {
      CliHarness h = new CliHarness();
      assertThat(h.run(args)).as(String.join(" ", args)).isEqualTo(3);
      assertThat(h.err()).contains("reachctl: cannot reach the Reach hub at " + dead + " (connection refused)");
    }
    CliHarness h = new CliHarness().stdin("{}");
    assertThat(h.run("submit", "-", "--api", dead + "/")).isEqualTo(3);
    assertThat(h.err()).contains("reachctl: cannot reach the Reach hub at " + dead + " (connection refused)");
  }

  @Test
  void statusPrintsTheRunAndEachJobWithAttempts() {
    runReplies.add(run("RUNNING", "RUNNING",
        attempt(1, "LOST", "dev-runner-1", 41, null, "lease_expired"),
        attempt(2, "RUNNING", "dev-runner-2", 57, null, null)));
    CliHarness h = new CliHarness();
    assertThat(h.run("status", RUN_ID, "--api", api)).isEqualTo(0);
    String[] lines = h.out().split("\\R");
    assertThat(lines[0]).isEqualTo("run " + RUN_ID + " (nightly): RUNNING");
    assertThat(lines[1]).startsWith("JOB").contains("STATE", "EXIT", "REASON", "ATTEMPTS");
    assertThat(lines[2]).startsWith("build").contains("RUNNING", "#1 LOST on dev-runner-1 token 41 (lease_expired)");
    assertThat(lines[3]).contains("#2 RUNNING on dev-runner-2 token 57").doesNotContain("build");
    assertThat(lines[4]).startsWith("test").contains("QUEUED");
    assertThat(lines).hasSize(5);
  }

  @Test
  void statusJsonIsTheApiAnswer() {
    runReplies.add(run("QUEUED", "QUEUED"));
    CliHarness h = new CliHarness();
    assertThat(h.run("status", RUN_ID, "--api", api, "--json")).isEqualTo(0);
    assertThat(new JsonObject(h.out())).isEqualTo(run("QUEUED", "QUEUED"));
  }

  @Test
  void statusOfAnUnknownRunExits1() {
    CliHarness h = new CliHarness();
    assertThat(h.run("status", "nope", "--api", api)).isEqualTo(1);
    assertThat(h.err().strip()).isEqualTo("error RUN_NOT_FOUND: no run nope");
  }

  @Test
  void statusWaitPollsUntilSucceeded() {
    runReplies.add(run("QUEUED", "QUEUED"));
    runReplies.add(run("RUNNING", "RUNNING", attempt(1, "RUNNING", "r", 1, null, null)));
    runReplies.add(run("SUCCEEDED", "SUCCEEDED", attempt(1, "SUCCEEDED", "r", 1, 0, null)));
    CliHarness h = new CliHarness();
    assertThat(h.run("status", RUN_ID, "--api", api, "--wait")).isEqualTo(0);
    assertThat(requests).hasSize(3);
    assertThat(h.out()).startsWith("run " + RUN_ID + " (nightly): SUCCEEDED").contains("#1 SUCCEEDED on r token 1 exit 0");
  }

  @Test
  void statusWaitExits1WhenTheRunFailed() {
    runReplies.add(run("FAILED", "FAILED", attempt(1, "FAILED", "r", 1, 3, "exit_code")));
    CliHarness h = new CliHarness();
    assertThat(h.run("status", RUN_ID, "--api", api, "--wait")).isEqualTo(1);
    assertThat(h.out()).contains("FAILED");
  }

  @Test
  void statusWaitGivesUpAfterTheTimeout() {
    runReplies.add(run("RUNNING", "RUNNING"));
    CliHarness h = new CliHarness();
    assertThat(h.run("status", RUN_ID, "--api", api, "--wait", "--timeout", "1")).isEqualTo(1);
    assertThat(h.err()).contains("timed out after 1 s", "still RUNNING");
  }

  @Test
  void logsStreamsTheBodyAndPassesAttemptAndFollow() {
    CliHarness h = new CliHarness();
    assertThat(h.run("logs", RUN_ID, "build step", "--attempt", "2", "--follow", "--api", api)).isEqualTo(0);
    assertThat(h.out()).isEqualTo("line one\nline two\n");
    assertThat(requests.get(0).uri()).isEqualTo("/api/v1/runs/" + RUN_ID + "/jobs/build%20step/log?attempt=2&follow=true");
  }

  @Test
  void logsErrorExits1() {
    CliHarness h = new CliHarness();
    assertThat(h.run("logs", "nope", "build", "--api", api)).isEqualTo(1);
    assertThat(h.err()).contains("error NOT_FOUND: no route");
  }

  @Test
  void cancelPrintsTheOutcome() {
    CliHarness h = new CliHarness();
    assertThat(h.run("cancel", RUN_ID, "--api", api)).isEqualTo(0);
    assertThat(h.out().strip()).isEqualTo("run " + RUN_ID + ": CANCELLED, 2 job(s) cancelled");
    assertThat(requests.get(0).method()).isEqualTo("POST");
  }

  @Test
  void runnersTable() {
    CliHarness h = new CliHarness();
    assertThat(h.run("runners", "--api", api)).isEqualTo(0);
    String[] lines = h.out().split("\\R");
    assertThat(lines[0]).startsWith("RUNNER").contains("SLOTS", "ACTIVE", "LABELS", "LAST HEARTBEAT");
    assertThat(lines[1]).startsWith("dev-runner-1").contains("linux,x86", "2026-11-01T10:05:00Z");
    assertThat(RunnersCommand.render(new JsonArray())).contains("no runners registered");
  }

  @Test
  void nonContractErrorBodiesAreShownPlainly() {
    ApiClient.ApiException e = ApiClient.error(502, "<html>bad gateway</html>");
    assertThat(e.getMessage()).isEqualTo("error HTTP_502: <html>bad gateway</html>");
    assertThat(ApiClient.error(503, "").retryable()).isTrue();
  }
}
