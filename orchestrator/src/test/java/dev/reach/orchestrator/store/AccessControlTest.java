package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reach.orchestrator.admin.FirstAdminToken;
import dev.reach.orchestrator.admin.RunnerAdmission;
import dev.reach.orchestrator.api.AdminBusApi;
import dev.reach.orchestrator.api.OrchestratorApi;
import dev.reach.orchestrator.api.ProtocolCounters;
import dev.reach.shared.auth.TokenHash;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.JoinCredential;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.metrics.ReachMetrics;
import dev.reach.shared.testing.SettableClock;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With auth on, on a real database over the real event bus: runners that did not join get no work and
 * their refusals are recorded; revoking a join token stops its runner; a submitter cancels only its own
 * runs; tokens are made, listed (never a hash) and revoked with events naming the admin.
 */
class AccessControlTest {
  private static final String RUN = "{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"true\"}]}";
  private StoreFixture f;
  private final SettableClock clock = new SettableClock(Instant.parse("2026-12-05T06:00:00Z"));

  @BeforeEach
  void open() {
    f = new StoreFixture();
    ProtocolCounters counters = new ProtocolCounters(ReachMetrics.of(f.vertx));
    AdminStore admin = new AdminStore(f.db);
    f.vertx.deployVerticle(new AdminBusApi(admin, 10_000, counters,
        new ProjectionRebuild(f.db, ProjectionRebuild.Settings.DEFAULTS), new RunStateStore(f.db), 1_000)).await();
    f.vertx.deployVerticle(new OrchestratorApi(f.runs, new LeaseStore(f.db, f.now, StoreFixture.TTL_MS),
        new RunnerStore(f.db), new DeadLetterStore(f.db, f.runs), counters, JsonObject::new,
        new RunnerAdmission(admin, true, clock))).await();
  }

  @AfterEach
  void close() {
    f.close();
  }

  private JsonObject request(String address, JsonObject body, DeliveryOptions options) {
    return (JsonObject) f.vertx.eventBus().request(address, body, options).await().body();
  }

  private JsonObject admin(String address, JsonObject body) {
    return request(address, body, new DeliveryOptions());
  }

  private JsonObject claim(String runner, JoinCredential join) {
    DeliveryOptions options = new DeliveryOptions();
    if (join != null) {
      join.stamp(options);
    }
    return request(Addresses.CLAIM, f.claim(runner, 1, 1).toJson(), options);
  }

  private static ErrorCode refusal(Runnable call) {
    Throwable t = catchThrowable(call::run);
    assertThat(t).as("expected a refusal").isNotNull();
    return BusErrors.classify(t).code();
  }

  private JsonObject makeToken(String name, String role) {
    return admin(Addresses.ADMIN_TOKEN_CREATE, new JsonObject().put("name", name).put("role", role)
        .put("actor", "token:ops"));
  }

  @Test
  void aRunnerWithoutAJoinTokenGetsNoWorkAndItsRefusalsAreRecorded() {
    f.submit(RUN);
    JsonObject viewer = makeToken("dash", "viewer");

    assertThat(refusal(() -> claim("stray-1", null))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(refusal(() -> claim("stray-1", null))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(refusal(() -> claim("stray-2", JoinCredential.forToken("never-made-0123456789"))))
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(refusal(() -> claim("stray-3", JoinCredential.forToken(viewer.getString("token")))))
        .isEqualTo(ErrorCode.FORBIDDEN);

    assertThat(f.count("SELECT count(*) FROM jobs WHERE state = 'QUEUED'")).isEqualTo(1);
    JsonArray refusals = admin(Addresses.ADMIN_RUNNER_REFUSALS, new JsonObject()).getJsonArray("refusals");
    assertThat(refusals.stream().map(o -> (JsonObject) o)
        .map(r -> r.getString("runner_id") + "/" + r.getString("reason") + "/" + r.getLong("refusals")))
        .containsExactlyInAnyOrder("stray-1/no_join_token/2", "stray-2/unknown_or_revoked_join_token/1",
            "stray-3/not_a_join_token/1");
  }

  @Test
  void aJoinedRunnerGetsWorkUntilItsTokenIsRevoked() {
    JsonObject join = makeToken("runner-a", "runner");
    JoinCredential credential = JoinCredential.forToken(join.getString("token"));
    f.submit(RUN);

    assertThat(claim("runner-a", credential).getJsonArray("leases")).hasSize(1);

    admin(Addresses.ADMIN_TOKEN_REVOKE, new JsonObject().put("id", join.getString("id")).put("actor", "token:ops"));
    f.submit(RUN);
    clock.advance(Duration.ofSeconds(6)); // past the re-check interval: the revocation is seen

    assertThat(refusal(() -> claim("runner-a", credential))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(f.count("SELECT count(*) FROM jobs WHERE state = 'QUEUED'")).isEqualTo(1);
  }

  @Test
  void aJoinTokenFromConfigurationIsStoredOnceAndStaysRevokedOnceRevoked() {
    AdminStore store = new AdminStore(f.db);
    String configured = "join-from-env-0123456789";
    assertThat(store.ensureJoinToken(TokenHash.sha256(configured)).await()).isTrue();
    assertThat(store.ensureJoinToken(TokenHash.sha256(configured)).await()).isFalse();
    assertThat(claim("runner-env", JoinCredential.forToken(configured)).getJsonArray("leases")).isEmpty();

    String id = f.sql("SELECT id::text FROM api_tokens WHERE name = 'REACH_RUNNER_JOIN_TOKEN'").getString(0);
    store.revokeToken(UUID.fromString(id), "token:ops").await();
    assertThat(store.ensureJoinToken(TokenHash.sha256(configured)).await()).isFalse();
    clock.advance(Duration.ofSeconds(6));

    assertThat(refusal(() -> claim("runner-env", JoinCredential.forToken(configured)))).isEqualTo(ErrorCode.FORBIDDEN);
  }

  @Test
  void aSubmitterCancelsOnlyItsOwnRunsAndAnAdminAny() {
    JsonObject alice = makeToken("alice", "submitter");
    JsonObject bob = makeToken("bob", "submitter");
    JsonObject spec = new JsonObject(RUN);
    String alicesRun = admin(Addresses.SUBMIT_RUN, new JsonObject().put("spec", spec)
        .put("submitted_by", alice.getString("id"))).getString("id");
    String bobsRun = admin(Addresses.SUBMIT_RUN, new JsonObject().put("spec", spec)
        .put("submitted_by", bob.getString("id"))).getString("id");

    ErrorCode cross = refusal(() -> admin(Addresses.CANCEL_RUN, new JsonObject().put("id", bobsRun)
        .put("actor_role", "submitter").put("actor_token_id", alice.getString("id"))));
    JsonObject own = admin(Addresses.CANCEL_RUN, new JsonObject().put("id", alicesRun)
        .put("actor_role", "submitter").put("actor_token_id", alice.getString("id")));
    JsonObject byAdmin = admin(Addresses.CANCEL_RUN, new JsonObject().put("id", bobsRun)
        .put("actor_role", "admin").put("actor_token_id", UUID.randomUUID().toString()));

    assertThat(cross).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(own.getString("state")).isEqualTo("CANCELLED");
    assertThat(byAdmin.getString("state")).isEqualTo("CANCELLED");
    JsonObject submitted = new JsonObject(f.sql("SELECT payload::text FROM events WHERE type = 'run_submitted'"
        + " AND run_id = $1", UUID.fromString(alicesRun)).getString(0));
    assertThat(submitted.getString("submitted_by")).isEqualTo(alice.getString("id"));
  }

  @Test
  void tokensAreListedWithoutHashesAndMakingAndRevokingAreEvents() {
    JsonObject made = makeToken("ci", "submitter");
    String value = made.getString("token");
    JsonObject revoked = admin(Addresses.ADMIN_TOKEN_REVOKE, new JsonObject().put("id", made.getString("id"))
        .put("actor", "token:ops"));
    JsonObject again = admin(Addresses.ADMIN_TOKEN_REVOKE, new JsonObject().put("id", made.getString("id"))
        .put("actor", "token:someone-else"));
    JsonArray list = admin(Addresses.ADMIN_TOKEN_LIST, new JsonObject()).getJsonArray("tokens");

    assertThat(value).startsWith("reach_").hasSizeGreaterThan(40);
    assertThat(revoked.getString("revoked_by")).isEqualTo("token:ops");
    assertThat(again.getString("revoked_at")).isEqualTo(revoked.getString("revoked_at"));
    assertThat(again.getString("revoked_by")).isEqualTo("token:ops");
    assertThat(list.encode()).contains("\"name\":\"ci\"").doesNotContain(value)
        .doesNotContain(TokenHash.sha256(value));
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'token_created' AND payload->>'actor' = 'token:ops'"))
        .isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'token_revoked'")).isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM events WHERE payload::text LIKE '%' || $1 || '%'", value)).isZero();
    assertThat(refusal(() -> admin(Addresses.ADMIN_TOKEN_REVOKE, new JsonObject()
        .put("id", UUID.randomUUID().toString()).put("actor", "token:ops")))).isEqualTo(ErrorCode.NOT_FOUND);
  }
}
