package dev.reach.it.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Postgres stopped for 20 s, and separately frozen (SIGSTOP) for 20 s, mid-workload: writes answer
 * 503 with DB_UNAVAILABLE / DB_CIRCUIT_OPEN / DB_POOL_EXHAUSTED and a Retry-After, running jobs ride through on the
 * leader's outage extensions, nothing expires in a mass afterwards and nothing is lost.
 */
class DatabaseOutageDrillTest {
  /**
   * The 503 codes a write gets while the database is away, as the README's error contract lists them: which
   * one comes first depends on the traffic each orchestrator's breaker has seen (two orchestrators, each with
   * its own breaker; a frozen server holds the pooled connections, so a write may find the pool exhausted).
   */
  private static final Set<String> REFUSED_CODES = Set.of("DB_CIRCUIT_OPEN", "DB_UNAVAILABLE", "DB_POOL_EXHAUSTED");

  private static final long OUTAGE_MS = 20_000;
  private DrillCluster cluster;

  @BeforeEach
  void start() throws Exception {
    // a statement the frozen server never answers fails after statement timeout + 1 s; that must be
    // shorter than what a renewal leaves a watcher (TTL - kill margin = 2 s here), or a reap caught
    // in flight by the freeze holds the leader's extensions back past the watchers' deadlines
    cluster = new DrillCluster(Map.of(
        "REACH_DB_STATEMENT_TIMEOUT_MS", "500",
        "REACH_OUTAGE_RIDE_THROUGH_MS", "40000",
        "REACH_REQUEST_TIMEOUT_MS", "6000",
        "REACH_DB_BREAKER_RESET_MS", "1000"));
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void postgresStoppedFor20Seconds() throws Exception {
    drill("db-stop", false);
  }

  @Test
  void postgresFrozenFor20Seconds() throws Exception {
    drill("db-freeze", true);
  }

  private static List<Long> runningTokens(DrillChecks checks) throws Exception {
    List<Long> tokens = new ArrayList<>();
    try (Connection c = checks.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT lease_token FROM jobs WHERE state = 'RUNNING'")) {
      while (rs.next()) {
        tokens.add(rs.getLong(1));
      }
    }
    return tokens;
  }

  private static long succeeded(DrillChecks checks, List<Long> tokens) throws Exception {
    try (Connection c = checks.connect(); PreparedStatement st = c.prepareStatement(
        "SELECT count(*) FROM attempts WHERE token = ANY (?) AND state = 'SUCCEEDED'")) {
      st.setArray(1, c.createArrayOf("bigint", tokens.toArray()));
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void drill(String name, boolean freeze) throws Exception {
    DrillReport report = new DrillReport(name);
    cluster.startRunners(6, "runner-a", "runner-b", "runner-c");
    Workload work = new Workload(cluster.dir, 23);
    work.submitAll(cluster, 3, 20);
    DrillChecks checks = new DrillChecks(cluster, work);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      long left = checks.unfinished();
      return left >= 0 && left < work.jobs - 10;
    });

    List<Long> running = runningTokens(checks);
    assertThat(running).as("jobs are running when the database goes away").isNotEmpty();
    long downAt = System.currentTimeMillis();
    if (freeze) {
      cluster.postgres.freeze();
    } else {
      cluster.postgres.stop();
    }
    JsonObject refused;
    String retryAfter;
    try {
      // writes fail closed with the stable codes and a retry hint
      HttpResponse<String>[] answer = new HttpResponse[1];
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).until(() -> {
        answer[0] = cluster.post("/api/v1/runs", work.run("refused", 1).encode());
        return answer[0] != null && answer[0].statusCode() == 503
            && REFUSED_CODES.contains(new JsonObject(answer[0].body()).getJsonObject("error").getString("code"));
      });
      refused = new JsonObject(answer[0].body()).getJsonObject("error");
      retryAfter = answer[0].headers().firstValue("Retry-After").orElse(null);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> System.currentTimeMillis() - downAt >= OUTAGE_MS);
    } finally {
      if (freeze) {
        cluster.postgres.thaw();
      } else {
        cluster.postgres.start();
      }
    }
    long upAt = System.currentTimeMillis();
    assertThat(REFUSED_CODES).contains(refused.getString("code"));
    assertThat(refused.getBoolean("retryable")).isTrue();
    assertThat(retryAfter).isNotNull();

    // the first submission accepted after the database came back: the recovery time
    work.submit(cluster, work.run("after", 5));
    long recoveredMs = System.currentTimeMillis() - upAt;

    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() -> checks.unfinished() == 0);
    Map<String, Object> figures = checks.verify();
    long rodeThrough = succeeded(checks, running);
    figures.put("running_at_outage", running.size());
    figures.put("rode_through", rodeThrough);
    report.putAll(figures).put("outage_ms", upAt - downAt).put("recovery_ms", recoveredMs)
        .put("submit_retries", work.retries).put("refused_code", refused.getString("code")).print();
    assertThat(rodeThrough).as("the attempts running when the database went away finished as they were (not lost)")
        .isEqualTo(running.size());
    String leaderLogs = cluster.service("orchestrator-1").log() + cluster.service("orchestrator-2").log();
    assertThat(leaderLogs).contains("granting outage extensions").doesNotContain("ALERT mass_expiry");
  }
}
