package dev.reach.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.heal.VerticleSupervisor;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 003's runtime-resilience scenarios, one test each (named after the scenario), against every
 * service in one JVM on the embedded Postgres, over real HTTP; plus the admin API's token contract.
 */
class OperabilityScenariosTest {
  static final String TOKEN = ItTokens.ADMIN;
  private InProcessReach reach;

  private InProcessReach start(Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>(extra);
    reach = new InProcessReach(1, 2, env);
    return reach;
  }

  @AfterEach
  void stop() throws Exception {
    if (reach != null) {
      reach.close();
    }
  }

  private Api.Response admin(String path) {
    return reach.api.get(path, "Authorization", "Bearer " + TOKEN);
  }

  private Api.Response restart(String body) {
    return reach.api.post("/admin/api/worker/restart", body, "Authorization", "Bearer " + TOKEN);
  }

  @Test
  void healthPayloadIncludesResilienceDiagnostics() throws Exception {
    start(Map.of());
    for (String path : List.of("/health", "/health/deep")) {
      Api.Response r = reach.api.get(path);
      assertThat(r.status()).as(path).isEqualTo(200);
      JsonObject res = r.json().getJsonObject("resilience");
      assertThat(res.getJsonObject("thresholds").getInteger("db_breaker_failures")).isEqualTo(3);
      assertThat(res.getJsonObject("thresholds").getInteger("heal_max_per_window")).isEqualTo(3);
      assertThat(res.getJsonObject("thresholds").getLong("heal_cooldown_ms")).isEqualTo(300_000);
      assertThat(res.getJsonObject("recommendation").getString("action")).isIn("observe", "throttle", "recover");
      assertThat(res.getJsonObject("recommendation").getString("reason")).isNotBlank();
      assertThat(res.getJsonObject("self_healing").getJsonObject("policy").getString("state")).isEqualTo("allowed");
      assertThat(res.getJsonObject("restart_churn").getBoolean("churn_exceeded")).isFalse();
    }
    JsonObject deep = reach.api.get("/health/deep").json();
    JsonObject deps = deep.getJsonObject("dependencies");
    assertThat(deps.getJsonObject("hub.orchestrator").getString("status")).isEqualTo("up");
    assertThat(deps.getJsonObject("hub.orchestrator").getLong("latency_ms")).isNotNull();
    assertThat(deps.getJsonObject("hub.artifact-store").getString("status")).isEqualTo("up");
    assertThat(deps.getJsonObject("cluster").getInteger("members")).isEqualTo(1);
    assertThat(deep.getString("status")).isEqualTo("UP");
    assertThat(deep.getJsonObject("resilience").getJsonObject("recommendation").getString("action")).isEqualTo("observe");
  }

  @Test
  void adminStatusIncludesRestartChurnSummary() throws Exception {
    start(Map.of());
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> admin("/admin/api/system-status").json().getJsonArray("nodes").size() >= 4);
    JsonObject status = admin("/admin/api/system-status").json();
    JsonObject churn = status.getJsonObject("restart_churn");
    assertThat(churn.getLong("window_seconds")).isEqualTo(3600);
    assertThat(churn.getInteger("threshold")).isEqualTo(3);
    assertThat(churn.getInteger("restarts_in_window")).isZero();
    assertThat(churn.getBoolean("churn_exceeded")).isFalse();
    assertThat(status.getJsonObject("queue").getLong("queued")).isNotNull();
    assertThat(status.getJsonObject("leases").getLong("active")).isNotNull();
    assertThat(status.getJsonObject("orchestrator").getBoolean("leader")).isTrue();
    assertThat(status.getJsonArray("services").stream().map(s -> ((JsonObject) s).getString("service")))
        .contains("hub", "orchestrator", "artifact-store", "runner");
    assertThat(status.getJsonArray("breakers").stream().map(b -> ((JsonObject) b).getString("name")))
        .contains("orchestrator.database");
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> admin("/admin/api/system-status").json().getJsonObject("runners").getLong("live") >= 1);

    JsonObject worker = admin("/admin/api/worker/status").json();
    assertThat(worker.getJsonObject("restart_churn").getLong("window_seconds")).isEqualTo(3600);
    assertThat(worker.getJsonObject("restart_churn").getBoolean("churn_exceeded")).isFalse();
    assertThat(worker.getJsonObject("restart_churn").getJsonArray("history")).isEmpty();
    assertThat(worker.getJsonObject("worker").getInteger("port")).isEqualTo(reach.hub.httpPort());
  }

  /** A component whose deployment disappears and whose every restart fails: degraded for good. */
  static final class Fragile extends VerticleBase {
    static final AtomicInteger made = new AtomicInteger();

    Fragile() {
      if (made.incrementAndGet() > 1) {
        throw new IllegalStateException("cannot start again");
      }
    }
  }

  @Test
  void operatorInspectsDegradedState() throws Exception {
    start(Map.of("REACH_WATCHDOG_INTERVAL_MS", "100"));
    var node = reach.hub.node();
    Fragile.made.set(0);
    var fragile = new VerticleSupervisor<>(node.vertx(), "test.fragile", Fragile::new, new DeploymentOptions(), 1_000,
        () -> null);
    fragile.deploy().await();
    node.watchdog().supervise(fragile);
    node.vertx().undeploy(fragile.deploymentId()).await(); // gone behind the watchdog's back

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
        node.watchdog().history().summary().getJsonArray("history").stream()
            .anyMatch(r -> "restart_failed".equals(((JsonObject) r).getString("outcome"))));

    JsonObject health = reach.api.get("/health").json();
    JsonObject rec = health.getJsonObject("resilience").getJsonObject("recommendation");
    assertThat(rec.getString("action")).isEqualTo("recover");
    assertThat(rec.getString("reason")).contains("test.fragile is failed").contains("cooldown");
    JsonObject policy = health.getJsonObject("resilience").getJsonObject("self_healing").getJsonObject("policy");
    assertThat(policy.getString("state")).isEqualTo("cooling_down");
    assertThat(policy.getLong("remaining_seconds")).isBetween(1L, 300L);

    JsonObject worker = admin("/admin/api/worker/status").json();
    assertThat(worker.getJsonObject("policy").getString("state")).isEqualTo("cooling_down");
    assertThat(worker.getJsonObject("policy").getLong("remaining_seconds")).isBetween(1L, 300L);
    assertThat(worker.getJsonObject("recommendation").getString("action")).isEqualTo("recover");
    node.watchdog().unsupervise("test.fragile");
  }

  @Test
  void workerRestartRequested() throws Exception {
    start(Map.of());
    int port = reach.hub.httpPort();
    String before = admin("/admin/api/worker/status").json().getJsonObject("worker").getString("deployment_id");

    Api.Response r = restart("{\"reason\": \"hot reload during a drill\"}");

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getBoolean("restarted")).isTrue();
    assertThat(r.json().getJsonObject("worker").getInteger("port")).isEqualTo(port);
    assertThat(r.json().getJsonObject("worker").getString("deployment_id")).isNotEqualTo(before);
    // the same port answers throughout: the old worker drains while the new one serves
    for (int i = 0; i < 50; i++) {
      assertThat(reach.api.get("/health/live").status()).isEqualTo(200);
    }
    assertThat(reach.hub.httpPort()).isEqualTo(port);
    JsonObject record = r.json().getJsonObject("record");
    assertThat(record.getString("trigger")).isEqualTo("manual");
    assertThat(record.getString("by")).isEqualTo("token:REACH_ADMIN_TOKEN");
    assertThat(record.getString("reason")).isEqualTo("hot reload during a drill");
  }

  @Test
  void churnBlockedStateWithManualOverrideRequest() throws Exception {
    start(Map.of());
    for (int i = 1; i <= 3; i++) {
      assertThat(restart("{\"reason\": \"restart " + i + "\"}").status()).isEqualTo(200);
    }
    JsonObject worker = admin("/admin/api/worker/status").json();
    assertThat(worker.getJsonObject("policy").getString("state")).isEqualTo("blocked");
    assertThat(worker.getJsonObject("restart_churn").getBoolean("churn_exceeded")).isTrue();

    Api.Response refused = restart("{\"reason\": \"still broken\"}");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.error().getString("code")).isEqualTo("HEAL_BLOCKED");
    assertThat(refused.error().getString("field")).isEqualTo("acknowledge_blocked");

    Api.Response override = restart("{\"reason\": \"operator override after checking the logs\","
        + " \"acknowledge_blocked\": true}");
    assertThat(override.status()).as(override.body()).isEqualTo(200);
    JsonObject record = override.json().getJsonObject("record");
    assertThat(record.getBoolean("override")).isTrue();
    assertThat(record.getString("by")).isEqualTo("token:REACH_ADMIN_TOKEN");

    // audited in the event log: who, why, when, and that it overrode the block
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> events("manual_restart")
        .stream().anyMatch(p -> p.getBoolean("override")));
    JsonObject audited = events("manual_restart").stream().filter(p -> p.getBoolean("override")).findFirst().orElseThrow();
    assertThat(audited.getString("by")).isEqualTo("token:REACH_ADMIN_TOKEN");
    assertThat(audited.getString("reason")).isEqualTo("operator override after checking the logs");
    assertThat(audited.getString("at")).isNotBlank();
    await().atMost(Duration.ofSeconds(10)).until(() -> !events("manual_restart_refused").isEmpty());
  }

  private List<JsonObject> events(String type) {
    return reach.orchestrator.db().pool().preparedQuery("SELECT payload FROM events WHERE type = $1 ORDER BY seq")
        .execute(Tuple.of(type)).await().stream().map(r -> r.getJsonObject("payload")).toList();
  }

  @Test
  void theAdminApiNeedsAnAdminToken() throws Exception {
    start(Map.of());
    Api.Response none = reach.api.getWithoutToken("/admin/api/system-status");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.error().getString("code")).isEqualTo("UNAUTHORIZED");
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(reach.api.getWithoutToken("/admin/api/no-such-thing").status()).as("nothing of the surface without a token")
        .isEqualTo(401);

    Api.Response wrong = reach.api.get("/admin/api/worker/status", "Authorization", "Bearer not-a-real-token");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.error().getString("message")).contains("unknown or revoked");

    String viewer = "viewer-token-" + UUID.randomUUID();
    reach.orchestrator.db().pool().preparedQuery("""
        INSERT INTO api_tokens (id, name, role, token_sha256, origin, created_by)
        VALUES ($1, 'dashboard', 'viewer', $2, 'created', 'test')""")
        .execute(Tuple.of(UUID.randomUUID(), sha256(viewer))).await();
    Api.Response forbidden = reach.api.post("/admin/api/worker/restart", "{\"reason\": \"x\"}",
        "Authorization", "Bearer " + viewer);
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.error().getString("code")).isEqualTo("FORBIDDEN");

    Api.Response badBody = restart("{\"reason\": \"\", \"force\": true}");
    assertThat(badBody.status()).isEqualTo(400);
    assertThat(badBody.error().getString("field")).isEqualTo("force");
    assertThat(restart("{}").error().getString("field")).isEqualTo("reason");
  }

  @Test
  void frequentMonitorScrapes() throws Exception {
    start(Map.of("REACH_TEST_MODE", "false"));
    JsonObject[] health = twoScrapesOneReport("/health");
    assertThat(health[1].getJsonObject("cache").getBoolean("cached")).isTrue();
    assertThat(health[1].getJsonObject("cache").getLong("ttl_ms")).isEqualTo(5_000);
    assertThat(health[1].getString("generated_at")).isEqualTo(health[0].getString("generated_at"));
    JsonObject[] deep = twoScrapesOneReport("/health/deep");
    assertThat(deep[1].getString("generated_at")).isEqualTo(deep[0].getString("generated_at"));
  }

  /**
   * Two scrapes of {@code path} in a row, the pair tried again (at most 5 times) while the second is
   * a new report: the first may have been served from a report the node directory's periodic
   * publish made up to 5 s earlier, which can expire between the two, and a lifecycle change
   * invalidates it. A cache that never serves the second scrape fails all five.
   */
  private JsonObject[] twoScrapesOneReport(String path) throws Exception {
    JsonObject[] pair = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      pair = new JsonObject[] {reach.api.get(path).json(), reach.api.get(path).json()};
      if (pair[1].getString("generated_at").equals(pair[0].getString("generated_at"))) {
        return pair;
      }
    }
    return pair;
  }

  @Test
  void testingMode() throws Exception {
    start(Map.of());
    for (int i = 0; i < 3; i++) {
      JsonObject h = reach.api.get("/health").json();
      assertThat(h.getJsonObject("cache").getBoolean("cached")).isFalse();
      assertThat(h.getJsonObject("cache").getLong("ttl_ms")).isZero();
    }
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
