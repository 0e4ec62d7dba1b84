package dev.reach.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Access control end to end, with auth on as deployed, all services on the embedded Postgres over real
 * HTTP: tokens made and revoked through the admin API; a runner without a join token gets no work and
 * its refusals are recorded; a runner that joined works until its token is revoked; roles decide who
 * may read, submit and cancel.
 */
class AccessControlEndToEndTest {
  private static final String ONE_JOB = "{\"name\":\"%s\",\"jobs\":[{\"name\":\"a\",\"command\":\"echo done\"}]}";
  private InProcessReach reach;

  @BeforeEach
  void start() throws Exception {
    reach = new InProcessReach(0, 2, Map.of("REACH_RUNNER_POLL_MS", "200"));
  }

  @AfterEach
  void stop() throws Exception {
    reach.close();
  }

  private JsonObject token(String name, String role) {
    Api.Response r = reach.api.post("/admin/api/tokens", new JsonObject().put("name", name).put("role", role).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private Api.Response as(JsonObject token, String method, String path, String body) {
    String auth = "Bearer " + token.getString("token");
    return method.equals("GET") ? reach.api.get(path, "Authorization", auth)
        : reach.api.post(path, body == null ? "" : body, "Authorization", auth);
  }

  private String state(String runId) {
    return reach.api.run(runId).getString("state");
  }

  private long refusals(String runner, String reason) {
    JsonArray all = reach.api.get("/admin/api/runner-refusals").json().getJsonArray("refusals");
    return all.stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("runner_id").equals(runner) && r.getString("reason").equals(reason))
        .mapToLong(r -> r.getLong("refusals")).sum();
  }

  @Test
  void aRunnerWithoutAJoinTokenGetsNoWorkAndOneThatJoinedWorksUntilItsTokenIsRevoked() {
    reach.addRunner("stray", Map.of("REACH_RUNNER_JOIN_TOKEN", ""));
    String first = reach.api.submit(ONE_JOB.formatted("first"));

    await().atMost(Duration.ofSeconds(30)).until(() -> refusals("stray", "no_join_token") >= 3);
    assertThat(state(first)).as("three claims refused: the job waits").isEqualTo("QUEUED");

    JsonObject join = token("runner-joined", "runner");
    reach.addRunner("joined", Map.of("REACH_RUNNER_JOIN_TOKEN", join.getString("token")));
    await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCEEDED".equals(state(first)));

    Api.Response revoked = reach.api.post("/admin/api/tokens/" + join.getString("id") + "/revoke", "");
    assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
    // the orchestrator re-checks a join token at most 5 s after its last check; from then on it is refused
    await().atMost(Duration.ofSeconds(30)).until(() -> refusals("joined", "unknown_or_revoked_join_token") >= 1);
    String second = reach.api.submit(ONE_JOB.formatted("second"));
    long before = refusals("joined", "unknown_or_revoked_join_token");
    await().atMost(Duration.ofSeconds(30)).until(() -> refusals("joined", "unknown_or_revoked_join_token") >= before + 3);
    assertThat(state(second)).as("claims after the revocation are refused: the job waits").isEqualTo("QUEUED");
    long events = reach.api.get("/admin/api/events").body().lines()
        .filter(l -> l.contains("\"token_revoked\"") && l.contains(join.getString("id"))).count();
    assertThat(events).isEqualTo(1);
  }

  @Test
  void rolesDecideWhoMayReadSubmitAndCancel() {
    JsonObject viewer = token("dashboard", "viewer");
    JsonObject alice = token("alice", "submitter");
    JsonObject bob = token("bob", "submitter");
    JsonObject join = token("no-api-rights", "runner");

    Api.Response viewerSubmits = as(viewer, "POST", "/api/v1/runs", ONE_JOB.formatted("v"));
    Api.Response aliceSubmits = as(alice, "POST", "/api/v1/runs", ONE_JOB.formatted("alice"));
    String alicesRun = aliceSubmits.json().getString("id");
    Api.Response viewerReads = as(viewer, "GET", "/api/v1/runs/" + alicesRun, null);
    Api.Response joinTokenReads = as(join, "GET", "/api/v1/runs", null);
    Api.Response bobCancels = as(bob, "POST", "/api/v1/runs/" + alicesRun + "/cancel", null);
    Api.Response aliceCancels = as(alice, "POST", "/api/v1/runs/" + alicesRun + "/cancel", null);
    Api.Response aliceAdmin = as(alice, "GET", "/admin/api/system-status", null);

    assertThat(viewerSubmits.status()).isEqualTo(403);
    assertThat(viewerSubmits.error().getString("code")).isEqualTo("FORBIDDEN");
    assertThat(aliceSubmits.status()).isEqualTo(201);
    assertThat(viewerReads.status()).isEqualTo(200);
    assertThat(joinTokenReads.status()).isEqualTo(403);
    assertThat(bobCancels.status()).as(bobCancels.body()).isEqualTo(403);
    assertThat(bobCancels.error().getString("message")).contains("was not submitted with this token");
    assertThat(aliceCancels.status()).as(aliceCancels.body()).isEqualTo(200);
    assertThat(aliceAdmin.status()).isEqualTo(403);

    reach.api.post("/admin/api/tokens/" + alice.getString("id") + "/revoke", "");
    Api.Response afterRevoke = as(alice, "GET", "/api/v1/runs", null);
    assertThat(afterRevoke.status()).isEqualTo(401);
    assertThat(afterRevoke.error().getString("code")).isEqualTo("UNAUTHORIZED");
    assertThat(reach.api.get("/api/v1/runs", "Authorization", "Bearer nobody-has-this-token").status()).isEqualTo(401);
    assertThat(reach.api.get("/api/v1/runs").status()).as("the admin token may do everything").isEqualTo(200);
  }

  @Test
  void aTokenRevokedThroughAnotherHubStopsPassingHereAtOnce() {
    JsonObject carol = token("carol", "viewer");
    // verified just now: this hub lets it pass for TokenAuth.FRESH (5 s) without asking again
    assertThat(as(carol, "GET", "/api/v1/runs", null).status()).isEqualTo(200);
    assertThat(as(carol, "GET", "/api/v1/runs", null).status()).isEqualTo(200);

    // revoked the way another hub revokes it: straight at the orchestrator, so this hub's own revoke
    // handler never runs; only the orchestrator's published revocation can make this hub forget
    reach.vertx.eventBus().<JsonObject>request(dev.reach.shared.bus.Addresses.ADMIN_TOKEN_REVOKE,
        new JsonObject().put("id", carol.getString("id")).put("actor", "token:other-hub")).await();

    // well inside the 5 s this hub would otherwise keep letting it pass
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
        .until(() -> as(carol, "GET", "/api/v1/runs", null).status() == 401);
  }
}
