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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reachctl demo}: against a real local cluster (auth on) every step passes (the dead-letter step is
 * skipped there: the runners share the hub's JVM) and it exits 0; against a hub that answers but whose followed
 * log never ends the way the step expects it exits 1 naming that step; against nothing it exits 3 naming the URL.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoCommandTest {
  static final String TOKEN = "demo-test-admin-token-0123456789";
  static final String RUN_ID = "0b7e7f0e-3c2a-4a47-9a59-5d1f0f3f6a01";

  @TempDir static Path tmp;
  private LocalCluster cluster;
  private String api;

  @BeforeAll
  void start() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    cluster = LocalCluster.start(LocalCluster.options().env(LocalClusterTest.ENV).set("REACH_ADMIN_TOKEN", TOKEN)
        .tempRoot(root).port(0).runners(1).slots(2).auth(true));
    api = cluster.apiUrl();
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static CliHarness cli(String token) {
    Map<String, String> env = new HashMap<>(LocalClusterTest.ENV);
    if (token != null) {
      env.put("REACH_ADMIN_TOKEN", token);
    }
    return new CliHarness().env(env);
  }

  @Test
  void everyStepPassesAgainstALocalCluster() {
    CliHarness h = cli(TOKEN);
    assertThat(h.run("demo", "--api", api, "--timeout", "120")).as(h.out() + h.err()).isEqualTo(0);
    List<String> lines = h.out().lines().toList();
    int n = DemoCommand.STEPS.size();
    for (int i = 0; i < n; i++) {
      String name = DemoCommand.STEPS.get(i);
      String prefix = "step " + (i + 1) + "/" + n + " " + name + ": ";
      assertThat(lines).as(h.out()).anySatisfy(l -> assertThat(l).startsWith(prefix)
          .matches(java.util.regex.Pattern.quote(prefix) + ("dead-letter".equals(name) ? "skipped \\(.*" : "ok \\(\\d+\\.\\d s\\).*")));
    }
    assertThat(h.out()).contains("all " + n + " steps passed");

    // --json: one object on stdout, the step lines on stderr
    CliHarness j = cli(TOKEN);
    assertThat(j.run("demo", "--json", "--api", api, "--timeout", "120")).as(j.out() + j.err()).isEqualTo(0);
    JsonObject o = new JsonObject(j.out());
    assertThat(o.getBoolean("ok")).isTrue();
    assertThat(o.getValue("failed_step")).isNull();
    JsonArray steps = o.getJsonArray("steps");
    assertThat(steps).hasSize(n);
    for (int i = 0; i < n; i++) {
      JsonObject s = steps.getJsonObject(i);
      assertThat(s.getString("name")).isEqualTo(DemoCommand.STEPS.get(i));
      assertThat(s.getString("outcome")).isEqualTo("dead-letter".equals(s.getString("name")) ? "skipped" : "ok");
      assertThat(s.getDouble("seconds")).isGreaterThanOrEqualTo(0.0);
    }
    assertThat(j.err()).contains("step 1/" + n + " submit: ok");
    // what it submitted is named demo-<id>-... and left nothing running
    JsonObject runs = ApiClient.create(api, TOKEN, null).getJson("/api/v1/runs?limit=50").body();
    for (Object r : runs.getJsonArray("runs")) {
      JsonObject run = (JsonObject) r;
      assertThat(run.getString("name")).startsWith("demo-");
      assertThat(run.getString("state")).isIn("SUCCEEDED", "CANCELLED");
    }
  }

  @Test
  void withoutAnAdminTokenItIsAUsageError() {
    CliHarness h = cli(null);
    assertThat(h.run("demo", "--api", api)).isEqualTo(2);
    assertThat(h.err()).contains("admin token");
  }

  @Test
  void aStepThatCannotSucceedExitsOneNamingIt() throws IOException {
    List<String> requests = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      requests.add(ex.getRequestMethod() + " " + path);
      if ("POST".equals(ex.getRequestMethod()) && path.equals("/api/v1/runs")) {
        reply(ex, 201, "application/json", new JsonObject().put("id", RUN_ID).encode());
      } else if (path.equals("/api/v1/runs/" + RUN_ID + "/jobs/build/log")) {
        // the log ends without the job's last line: the followed log is not what the step expects
        reply(ex, 200, "text/plain", "building\n");
      } else {
        reply(ex, 404, "application/json", "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no\",\"retryable\":false}}");
      }
    });
    server.start();
    try {
      String stub = "http://127.0.0.1:" + server.getAddress().getPort();
      CliHarness h = cli(TOKEN);
      assertThat(h.run("demo", "--api", stub, "--timeout", "5")).isEqualTo(1);
      assertThat(h.out()).contains("step 1/6 submit: ok").contains("step 2/6 follow-logs: FAILED")
          .contains("expected: the followed log to end with").contains("seen:     'building'")
          .contains("step follow-logs failed").doesNotContain("step 3/6");

      CliHarness j = cli(TOKEN);
      assertThat(j.run("demo", "--json", "--api", stub, "--timeout", "5")).isEqualTo(1);
      JsonObject o = new JsonObject(j.out());
      assertThat(o.getBoolean("ok")).isFalse();
      assertThat(o.getString("failed_step")).isEqualTo("follow-logs");
      assertThat(o.getJsonArray("steps").getJsonObject(1).getString("outcome")).isEqualTo("failed");
      assertThat(o.getJsonArray("steps").getJsonObject(1).getString("seen")).isEqualTo("'building'");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anUnreachableHubExitsThreeNamingTheUrl() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    CliHarness h = cli(TOKEN);
    assertThat(h.run("demo", "--api", url)).isEqualTo(3);
    assertThat(h.err()).contains("step 1/6 submit: FAILED: cannot reach the Reach hub at " + url)
        .contains("reachctl: cannot reach the Reach hub at " + url);
    assertThat(h.out()).isEmpty();
  }

  private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }
}
