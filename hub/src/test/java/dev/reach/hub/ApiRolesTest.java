package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.auth.TokenHash;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each role against each class of endpoint, with auth on (the default): no token or an unknown one
 * is {@code 401}, a live token with too low a role {@code 403}, an allowed one reaches the
 * orchestrator. The orchestrator's token table is played by a fake on the real event bus.
 */
class ApiRolesTest {
  private static final Map<String, JsonObject> TOKENS = Map.of(
      "viewer-token-0123456789", token("11111111-1111-4111-8111-111111111111", "dash", "viewer"),
      "submitter-token-0123456789", token("22222222-2222-4222-8222-222222222222", "ci", "submitter"),
      "admin-token-0123456789", token("33333333-3333-4333-8333-333333333333", "ops", "admin"),
      "runner-token-0123456789", token("44444444-4444-4444-8444-444444444444", "runner-1", "runner"));
  private static final String RUN = RunViews.RUN_ID;

  /** An endpoint class: a representative request and the lowest role allowed. */
  record Endpoint(String what, HttpMethod method, String uri, JsonObject body, String lowest) {
    @Override
    public String toString() {
      return what;
    }
  }

  private static final List<Endpoint> ENDPOINTS = List.of(
      new Endpoint("list runs", HttpMethod.GET, "/api/v1/runs", null, "viewer"),
      new Endpoint("get a run", HttpMethod.GET, "/api/v1/runs/" + RUN, null, "viewer"),
      new Endpoint("list runners", HttpMethod.GET, "/api/v1/runners", null, "viewer"),
      new Endpoint("list dead letters", HttpMethod.GET, "/api/v1/dead-letters", null, "viewer"),
      new Endpoint("submit", HttpMethod.POST, "/api/v1/runs",
          new JsonObject("{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"true\"}]}"), "submitter"),
      new Endpoint("cancel", HttpMethod.POST, "/api/v1/runs/" + RUN + "/cancel", null, "submitter"),
      new Endpoint("requeue a dead letter", HttpMethod.POST, "/api/v1/dead-letters/" + RunViews.JOB_ID + "/requeue",
          null, "admin"),
      new Endpoint("admin: system status", HttpMethod.GET, "/admin/api/system-status", null, "admin"),
      new Endpoint("admin: list tokens", HttpMethod.GET, "/admin/api/tokens", null, "admin"),
      new Endpoint("admin: make a token", HttpMethod.POST, "/admin/api/tokens",
          new JsonObject().put("name", "new").put("role", "viewer"), "admin"));
  private static final List<String> ORDER = List.of("viewer", "submitter", "admin");

  private static HubFixture f;
  private static FakeOrchestrator orchestrator;

  private static JsonObject token(String id, String name, String role) {
    return new JsonObject().put("id", id).put("name", name).put("role", role);
  }

  @BeforeAll
  static void start() {
    f = HubFixture.start(Map.of("REACH_AUTH", "true"));
    orchestrator = new FakeOrchestrator(f.vertx);
    orchestrator.on(Addresses.ADMIN_TOKEN_VERIFY, m -> TOKENS.entrySet().stream()
        .filter(e -> TokenHash.sha256(e.getKey()).equals(m.getString("token_sha256")))
        .map(e -> e.getValue().copy())
        .findFirst()
        .orElseThrow(() -> new ReachException(ErrorCode.UNAUTHORIZED, "unknown or revoked token")));
    JsonObject ok = new JsonObject().put("ok", true);
    orchestrator.on(Addresses.LIST_RUNS, m -> new JsonObject().put("runs", new io.vertx.core.json.JsonArray()));
    orchestrator.on(Addresses.GET_RUN, m -> RunViews.run("SUCCEEDED", "SUCCEEDED"));
    orchestrator.on(Addresses.LIST_RUNNERS, m -> new JsonObject().put("runners", new io.vertx.core.json.JsonArray()));
    orchestrator.on(Addresses.LIST_DEAD_LETTERS, m -> new JsonObject().put("dead_letters",
        new io.vertx.core.json.JsonArray()));
    orchestrator.on(Addresses.SUBMIT_RUN, m -> new JsonObject().put("id", RUN).put("created", true));
    orchestrator.on(Addresses.CANCEL_RUN, m -> new JsonObject().put("id", RUN).put("state", "CANCELLED")
        .put("cancelled_jobs", 1));
    orchestrator.on(Addresses.REQUEUE_DEAD_LETTER, m -> new JsonObject().put("run_id", RUN)
        .put("requeue_of", RunViews.JOB_ID).put("requeue_of_run", RUN));
    orchestrator.on(Addresses.ADMIN_SYSTEM_FIGURES, m -> ok);
    orchestrator.on(Addresses.ADMIN_TOKEN_LIST, m -> new JsonObject().put("tokens", new io.vertx.core.json.JsonArray()));
    orchestrator.on(Addresses.ADMIN_TOKEN_CREATE, m -> new JsonObject().put("id", "55555555-5555-4555-8555-555555555555")
        .put("name", m.getString("name")).put("role", m.getString("role")).put("token", "reach_new"));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static Stream<Arguments> cases() {
    return ENDPOINTS.stream().flatMap(e -> Stream.of("none", "unknown", "viewer", "submitter", "admin", "runner")
        .map(who -> Arguments.of(e, who)));
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("cases")
  void eachRoleGetsWhatItsRoleAllowsAndNothingMore(Endpoint e, String who) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    switch (who) {
      case "none" -> { }
      case "unknown" -> headers.add("Authorization", "Bearer not-a-token-0123456789");
      default -> headers.add("Authorization", "Bearer " + who + "-token-0123456789");
    }
    if (e.body() != null) {
      headers.add("Content-Type", "application/json");
    }
    HubFixture.HttpReply r = f.call(e.method(), e.uri(), headers, e.body() == null ? null : e.body().toBuffer());

    if (who.equals("none") || who.equals("unknown")) {
      assertThat(r.status()).as(r.text()).isEqualTo(401);
      assertThat(r.error().getString("code")).isEqualTo("UNAUTHORIZED");
      assertThat(r.error().getString("field")).isEqualTo("Authorization");
      assertThat(r.headers().get("WWW-Authenticate")).startsWith("Bearer");
    } else if (who.equals("runner") || ORDER.indexOf(who) < ORDER.indexOf(e.lowest())) {
      assertThat(r.status()).as(r.text()).isEqualTo(403);
      assertThat(r.error().getString("code")).isEqualTo("FORBIDDEN");
      assertThat(r.error().getString("message")).contains("has role " + who).contains("needs role " + e.lowest());
    } else {
      assertThat(r.status()).as(r.text()).isIn(200, 201);
    }
  }

  @Test
  void aSubmissionNamesItsTokenAndACancelItsRoleSoTheOrchestratorCanCheckOwnership() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer submitter-token-0123456789")
        .add("Content-Type", "application/json");
    int before = orchestrator.received(Addresses.SUBMIT_RUN).size();
    f.call(HttpMethod.POST, "/api/v1/runs", headers,
        Buffer.buffer("{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"true\"}]}"));
    f.call(HttpMethod.POST, "/api/v1/runs/" + RUN + "/cancel", headers, null);

    assertThat(orchestrator.received(Addresses.SUBMIT_RUN).get(before).getString("submitted_by"))
        .isEqualTo("22222222-2222-4222-8222-222222222222");
    List<JsonObject> cancels = orchestrator.received(Addresses.CANCEL_RUN);
    assertThat(cancels.get(cancels.size() - 1)).isEqualTo(new JsonObject().put("id", RUN)
        .put("actor_role", "submitter").put("actor_token_id", "22222222-2222-4222-8222-222222222222"));
  }

  @Test
  void aTokenIsMadeWithANamedRoleAndBadFieldsAreNamed() {
    MultiMap admin = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer admin-token-0123456789");
    HubFixture.HttpReply made = f.postJson("/admin/api/tokens", new JsonObject().put("name", "ci").put("role", "submitter"),
        MultiMap.caseInsensitiveMultiMap().addAll(admin));
    HubFixture.HttpReply badRole = f.postJson("/admin/api/tokens", new JsonObject().put("name", "ci").put("role", "root"),
        MultiMap.caseInsensitiveMultiMap().addAll(admin));
    HubFixture.HttpReply extra = f.postJson("/admin/api/tokens",
        new JsonObject().put("name", "ci").put("role", "viewer").put("expires", 3),
        MultiMap.caseInsensitiveMultiMap().addAll(admin));

    assertThat(made.status()).isEqualTo(201);
    assertThat(made.headers().get("Cache-Control")).isEqualTo("no-store");
    assertThat(orchestrator.received(Addresses.ADMIN_TOKEN_CREATE)).contains(new JsonObject().put("name", "ci")
        .put("role", "submitter").put("actor", "token:ops"));
    assertThat(badRole.status()).isEqualTo(400);
    assertThat(badRole.error().getString("field")).isEqualTo("role");
    assertThat(extra.status()).isEqualTo(400);
    assertThat(extra.error().getString("field")).isEqualTo("expires");
  }

  @Test
  void healthAndMetricsNeedNoToken() {
    for (String uri : Set.of("/health/live", "/metrics")) {
      assertThat(f.get(uri).status()).as(uri).isEqualTo(200);
    }
  }
}
