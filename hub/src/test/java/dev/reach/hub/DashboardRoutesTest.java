package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.Addresses;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The routes the dashboard adds: {@code GET /api/v1/runners/overview} (viewer) and
 * {@code GET /admin/api/queue-history} (admin), strict about their query like every route, and the
 * dashboard's static files.
 */
class DashboardRoutesTest {
  private static final String TOKEN = "dash-0123456789abcdef";

  private HubFixture f;
  private FakeOrchestrator orchestrator;

  @BeforeEach
  void setUp() {
    f = HubFixture.start();
    orchestrator = new FakeOrchestrator(f.vertx);
    orchestrator.on(Addresses.ADMIN_TOKEN_VERIFY, m -> new JsonObject().put("id", "6b0c7a9e-1f2d-4e3c-8a7b-6c5d4e3f2a1b")
        .put("name", "ops").put("role", "admin"));
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private static MultiMap admin() {
    return MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + TOKEN);
  }

  @Test
  void runnersOverviewTellsLiveFromDepartedRunners() {
    Instant now = Instant.now();
    orchestrator.on(Addresses.LIST_RUNNERS, m -> new JsonObject().put("runners", new JsonArray()
        .add(new JsonObject().put("id", "fresh").put("incarnation", "i-1").put("slots", 4).put("active", 1)
            .put("labels", new JsonArray().add("linux")).put("last_heartbeat_at", now.toString()))
        .add(new JsonObject().put("id", "stale").put("incarnation", "i-2").put("slots", 2).put("active", 0)
            .put("labels", new JsonArray()).put("last_heartbeat_at", now.minusSeconds(3600).toString()))));

    HubFixture.HttpReply reply = f.get("/api/v1/runners/overview");

    assertThat(reply.status()).isEqualTo(200);
    JsonObject body = reply.json();
    assertThat(body.getLong("alive_window_ms")).isEqualTo(f.node.config().runnerAliveWindowMs());
    JsonObject fresh = body.getJsonArray("runners").getJsonObject(0);
    JsonObject stale = body.getJsonArray("runners").getJsonObject(1);
    assertThat(fresh.getString("id")).isEqualTo("fresh");
    assertThat(fresh.getBoolean("alive")).isTrue();
    assertThat(fresh.getInteger("slots")).isEqualTo(4);
    assertThat(fresh.getJsonArray("labels")).containsExactly("linux");
    assertThat(stale.getBoolean("alive")).isFalse();
    assertThat(stale.getLong("heartbeat_age_ms")).isGreaterThanOrEqualTo(3_600_000L);
    assertThat(stale.containsKey("lifecycle")).isTrue();
  }

  @Test
  void runnersOverviewPassesTheOrchestratorsErrorOn() {
    orchestrator.on(Addresses.LIST_RUNNERS, m -> {
      throw new dev.reach.shared.error.ReachException(dev.reach.shared.error.ErrorCode.DB_CIRCUIT_OPEN, "open", null, 700, null);
    });

    HubFixture.HttpReply reply = f.get("/api/v1/runners/overview");

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.error().getString("code")).isEqualTo("DB_CIRCUIT_OPEN");
    assertThat(reply.error().getBoolean("retryable")).isTrue();
    assertThat(reply.headers().get("Retry-After")).isEqualTo("1");
  }

  @Test
  void queueHistoryNeedsTheAdminTokenAndListsTheSamples() {
    HubFixture.HttpReply noToken = f.get("/admin/api/queue-history");
    HubFixture.HttpReply ok = f.call(HttpMethod.GET, "/admin/api/queue-history", admin(), null);

    assertThat(noToken.status()).isEqualTo(401);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().getLong("interval_ms")).isEqualTo(QueueHistory.DEFAULT_INTERVAL_MS);
    assertThat(ok.json().getLong("window_ms")).isEqualTo(QueueHistory.DEFAULT_WINDOW_MS);
    // the sample taken at start: this fixture has no orchestrator answering figures, so it is an error sample
    assertThat(ok.json().getJsonArray("samples").getJsonObject(0).getString("error")).isNotBlank();
  }

  @Test
  void unknownQueryParametersAreRefusedByName() {
    HubFixture.HttpReply runners = f.get("/api/v1/runners/overview?colour=red");
    HubFixture.HttpReply history = f.call(HttpMethod.GET, "/admin/api/queue-history?since=1", admin(), null);

    assertThat(runners.status()).isEqualTo(400);
    assertThat(runners.error().getString("field")).isEqualTo("colour");
    assertThat(history.status()).isEqualTo(400);
    assertThat(history.error().getString("field")).isEqualTo("since");
  }

  @Test
  void servesTheDashboardAndItsModules() {
    HubFixture.HttpReply page = f.get("/");
    HubFixture.HttpReply app = f.get("/ui/app.js");
    HubFixture.HttpReply view = f.get("/ui/views/runs.js");
    HubFixture.HttpReply api = f.get("/reach-api.js");
    HubFixture.HttpReply none = f.get("/ui/nothing.js");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.text()).contains("/ui/app.js");
    assertThat(app.status()).isEqualTo(200);
    assertThat(app.headers().get("content-type")).startsWith("text/javascript");
    assertThat(view.status()).isEqualTo(200);
    assertThat(api.status()).isEqualTo(200);
    assertThat(api.text()).contains("export class ReachApi");
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.error().getString("code")).isEqualTo("NOT_FOUND");
  }
}
