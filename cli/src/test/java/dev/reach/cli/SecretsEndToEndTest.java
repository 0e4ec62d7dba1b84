package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets end to end on a real local cluster (embedded Postgres, orchestrator, runner, hub in this
 * JVM): an environment secret set with {@code reachctl secret set} (value on stdin) and a run's own
 * secret reach the job as environment variables; the job prints them whole and in pieces, followed live
 * ({@code ?follow=true}) while it runs; then the stored log, the live stream, the run, the run list, the event export, the secret list and every event payload in
 * the database are searched for the values — the log has {@code ***}, none has a value.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecretsEndToEndTest {
  static final String TOKEN = "e2e-admin-token-0123456789";
  static final String ENV_VALUE = "env-stored-value-Hq71";
  static final String RUN_VALUE = "run-own-value-Tz93";

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

  private static String get(String url, boolean admin) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (admin) {
      b.header("Authorization", "Bearer " + TOKEN);
    }
    HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  private static String sha256(String s) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void secretsReachTheJobAndNoAnswerOrEventHoldsAValue() throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    cluster = LocalCluster.start(LocalCluster.options().env(LocalClusterTest.ENV).set("REACH_ADMIN_TOKEN", TOKEN)
        .set("REACH_SECRETS_KEY", Base64.getEncoder().encodeToString(key))
        .tempRoot(Files.createDirectories(tmp.resolve("root"))).port(0).runners(1).slots(2));
    String api = cluster.apiUrl();

    CliHarness set = cli().stdin(ENV_VALUE + "\n");
    assertThat(set.run("secret", "set", "--environment", "prod", "API_KEY", "--api", api)).as(set.err()).isZero();
    CliHarness list = cli();
    assertThat(list.run("secret", "list", "--environment", "prod", "--api", api)).as(list.err()).isZero();
    assertThat(list.out()).contains("API_KEY").doesNotContain(ENV_VALUE);

    String command = String.join("; ",
        "echo \"run: $DB_PASSWORD env: $API_KEY\"",
        "printf 'pieces: %s' \"$(printf %s \"$DB_PASSWORD\" | head -c 5)\"", "sleep 2",
        "printf '%s\\n' \"$(printf %s \"$DB_PASSWORD\" | tail -c +6)\"",
        // compared by its hash: the value itself must not be in the command (the run's views show commands)
        "[ \"$(printf %s \"$API_KEY\" | sha256sum | cut -c1-64)\" = '" + sha256(ENV_VALUE) + "' ] && echo env-ok");
    JsonObject spec = new JsonObject().put("name", "with-secrets").put("environment", "prod")
        .put("secrets", new JsonObject().put("DB_PASSWORD", RUN_VALUE))
        .put("jobs", new io.vertx.core.json.JsonArray().add(new JsonObject().put("name", "show").put("command", command)));
    Path specFile = Files.writeString(tmp.resolve("spec.json"), spec.encode());
    CliHarness submit = cli();
    assertThat(submit.run("submit", specFile.toString(), "--api", api)).as(submit.err()).isZero();
    String runId = submit.out().strip();

    // the live stream: followed while the job runs (it sleeps 2 s between the pieces of a secret)
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> new JsonObject(get(api + "/api/v1/runs/" + runId, false)).getString("state").equals("RUNNING"));
    java.util.concurrent.CompletableFuture<HttpResponse<String>> live = HttpClient.newHttpClient().sendAsync(
        HttpRequest.newBuilder(URI.create(api + "/api/v1/runs/" + runId + "/jobs/show/log?follow=true"))
            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> new JsonObject(get(api + "/api/v1/runs/" + runId, false)).getString("state").equals("SUCCEEDED"));
    String followed = live.get(60, TimeUnit.SECONDS).body();
    assertThat(followed).isEqualTo("run: *** env: ***\npieces: ***\nenv-ok\n");

    String log = get(api + "/api/v1/runs/" + runId + "/jobs/show/log", false);
    assertThat(log).isEqualTo("run: *** env: ***\npieces: ***\nenv-ok\n");

    List<String> answers = new ArrayList<>();
    answers.add(log);
    answers.add(get(api + "/api/v1/runs/" + runId, false));
    answers.add(get(api + "/api/v1/runs", false));
    answers.add(get(api + "/admin/api/events?run=" + runId, true));
    answers.add(get(api + "/admin/api/events", true));
    answers.add(get(api + "/admin/api/environments/prod/secrets", true));
    answers.add(get(api + "/admin/api/runs/" + runId + "/state", true));
    answers.add(set.out() + set.err() + list.out() + submit.out() + submit.err());
    answers.add(followed);
    for (String a : answers) {
      assertThat(a).doesNotContain(ENV_VALUE).doesNotContain(RUN_VALUE);
    }
    assertThat(answers.get(1)).contains("with-secrets");

    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.dbPort() + "/"
        + LocalCluster.DATABASE, "postgres", LocalCluster.PLACEHOLDER_PASSWORD);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT type, payload::text FROM events ORDER BY seq")) {
      StringBuilder all = new StringBuilder();
      while (rs.next()) {
        all.append(rs.getString(1)).append(' ').append(rs.getString(2)).append('\n');
      }
      assertThat(all).contains("secret_set", "run_submitted", "DB_PASSWORD", "API_KEY");
      assertThat(all.toString()).doesNotContain(ENV_VALUE).doesNotContain(RUN_VALUE);
    }
  }
}
