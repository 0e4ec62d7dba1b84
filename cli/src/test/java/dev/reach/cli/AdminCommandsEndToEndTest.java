package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reachctl debug dump-state} and {@code reachctl admin rebuild-projections} against a real
 * local cluster (embedded Postgres, orchestrator, runner, hub in this JVM): the runner that holds a
 * lease answers its own view of it over the event bus; a rebuild finds nothing to repair and says so
 * in the event log with the token's name and the reason.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdminCommandsEndToEndTest {
  static final String TOKEN = "e2e-admin-token-0123456789";
  static final String SPEC = "{\"name\":\"inspect\",\"jobs\":[{\"name\":\"sleeper\",\"command\":\"sleep 30\","
      + "\"env\":{\"API_KEY\":\"hunter2-secret\"}},{\"name\":\"quick\",\"command\":\"echo hi\"}]}";

  @TempDir Path tmp;
  private LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private CliHarness cli() {
    Map<String, String> env = new HashMap<>(LocalClusterTest.ENV);
    env.put("REACH_ADMIN_TOKEN", TOKEN);
    return new CliHarness().env(env);
  }

  @Test
  void dumpStateShowsTheRunnersOwnViewAndARebuildIsAnAuditedNoOp() throws Exception {
    cluster = LocalCluster.start(LocalCluster.options().env(LocalClusterTest.ENV).set("REACH_ADMIN_TOKEN", TOKEN)
        .tempRoot(Files.createDirectories(tmp.resolve("root"))).port(0).runners(1).slots(2));
    String api = cluster.apiUrl();
    Path spec = Files.writeString(tmp.resolve("spec.json"), SPEC);
    CliHarness submit = cli();
    assertThat(submit.run("submit", spec.toString(), "--api", api)).as(submit.err()).isZero();
    String runId = submit.out().strip();

    // wait until the sleeper runs (the quick one is done)
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      CliHarness h = cli();
      h.run("debug", "dump-state", runId, "--json", "--api", api);
      JsonObject s = new JsonObject(h.out());
      return s.getJsonArray("leases").size() == 1 && "RUNNING".equals(s.getJsonArray("leases").getJsonObject(0).getString("state"))
          && s.getJsonArray("jobs").stream().anyMatch(j -> "SUCCEEDED".equals(((JsonObject) j).getString("state")));
    });

    CliHarness json = cli();
    assertThat(json.run("debug", "dump-state", runId, "--json", "--api", api)).as(json.err()).isZero();
    JsonObject state = new JsonObject(json.out());
    assertThat(state.getJsonObject("run").getString("id")).isEqualTo(runId);
    JsonObject lease = state.getJsonArray("leases").getJsonObject(0);
    assertThat(lease.getString("job_name")).isEqualTo("sleeper");
    assertThat(lease.getLong("expires_in_ms")).isPositive();
    JsonArray views = state.getJsonArray("runner_views");
    JsonObject view = views.stream().map(JsonObject.class::cast)
        .filter(v -> v.getString("runner_id").equals(lease.getString("runner_id"))).findFirst().orElseThrow();
    assertThat(view.getString("error")).isNull();
    assertThat(view.getString("incarnation")).isEqualTo(lease.getString("incarnation"));
    JsonObject held = view.getJsonArray("held").getJsonObject(0);
    assertThat(held.getLong("token")).isEqualTo(lease.getLong("token"));
    assertThat(held.getLong("lease_remaining_ms")).isPositive();
    assertThat(held.getValue("watcher_pid")).isNotNull();
    assertThat(held.getBoolean("start_reported")).isTrue();
    assertThat(view.getJsonArray("buffered_reports")).isEmpty();
    assertThat(state.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("type")))
        .contains("run_submitted", "job_leased", "job_started", "attempt_completed");
    assertThat(json.out()).doesNotContain("hunter2-secret");
    JsonObject sleeper = state.getJsonArray("jobs").stream().map(JsonObject.class::cast)
        .filter(j -> j.getString("name").equals("sleeper")).findFirst().orElseThrow();
    assertThat(sleeper.getJsonArray("attempts")).hasSize(1);

    CliHarness text = cli();
    assertThat(text.run("debug", "dump-state", runId, "--api", api)).as(text.err()).isZero();
    assertThat(text.out()).contains("run " + runId, "jobs:", "attempts:", "leases (database):", "runners' own view:",
        "ms left on its watcher", "events (", "job_started").doesNotContain("hunter2-secret");

    CliHarness dry = cli();
    assertThat(dry.run("admin", "rebuild-projections", "--dry-run", "--api", api)).as(dry.out() + dry.err()).isZero();
    assertThat(dry.out()).contains("dry run: 0 differing row(s)");
    CliHarness real = cli();
    assertThat(real.run("admin", "rebuild-projections", "--reason", "end-to-end check", "--api", api, "--json"))
        .as(real.err()).isZero();
    JsonObject report = new JsonObject(real.out());
    assertThat(report.getLong("differences")).isZero();
    assertThat(report.getString("actor")).startsWith("token:REACH_ADMIN_TOKEN");

    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.dbPort() + "/"
        + LocalCluster.DATABASE, "postgres", LocalCluster.PLACEHOLDER_PASSWORD);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT payload->>'actor', payload->>'reason' FROM events"
            + " WHERE type = 'projections_rebuilt'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).startsWith("token:REACH_ADMIN_TOKEN");
      assertThat(rs.getString(2)).isEqualTo("end-to-end check");
    }

    CliHarness noReason = cli();
    assertThat(noReason.run("admin", "rebuild-projections", "--api", api)).isEqualTo(ExitCodes.USAGE);
    CliHarness noToken = new CliHarness().env(LocalClusterTest.ENV);
    assertThat(noToken.run("debug", "dump-state", runId, "--api", api)).isEqualTo(ExitCodes.USAGE);
    assertThat(noToken.err()).contains("REACH_ADMIN_TOKEN");
  }
}
