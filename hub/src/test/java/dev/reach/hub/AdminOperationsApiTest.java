package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.Addresses;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin routes of issue 5 behind the admin token: projection rebuilds, dump-state and requeues
 * from the dead-letter queue, each forwarded with the token's identity as the actor and the reason.
 */
class AdminOperationsApiTest {
  private static final String TOKEN = "tok-0123456789abcdef";
  private static final String TOKEN_ID = "5b0c7a9e-1f2d-4e3c-8a7b-6c5d4e3f2a1b";

  private HubFixture f;
  private FakeOrchestrator orchestrator;

  @BeforeEach
  void setUp() {
    f = HubFixture.start();
    orchestrator = new FakeOrchestrator(f.vertx);
    orchestrator.on(Addresses.ADMIN_TOKEN_VERIFY, m -> new JsonObject().put("id", TOKEN_ID).put("name", "ops")
        .put("role", "admin"));
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private static MultiMap auth() {
    return MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + TOKEN);
  }

  @Test
  void aRebuildIsForwardedWithTheTokenAsActorAndItsReason() {
    JsonObject report = new JsonObject().put("differences", 0).put("swapped", false);
    orchestrator.on(Addresses.ADMIN_REBUILD_PROJECTIONS, m -> report);

    HubFixture.HttpReply dry = f.postJson("/admin/api/projections/rebuild", new JsonObject().put("dry_run", true), auth());
    HubFixture.HttpReply real = f.postJson("/admin/api/projections/rebuild",
        new JsonObject().put("reason", "repair after restore"), auth());

    assertThat(dry.status()).isEqualTo(200);
    assertThat(dry.json()).isEqualTo(report);
    assertThat(real.status()).isEqualTo(200);
    assertThat(orchestrator.received(Addresses.ADMIN_REBUILD_PROJECTIONS)).containsExactly(
        new JsonObject().put("dry_run", true).put("actor", "token:ops").put("actor_token_id", TOKEN_ID).putNull("reason"),
        new JsonObject().put("dry_run", false).put("actor", "token:ops").put("actor_token_id", TOKEN_ID)
            .put("reason", "repair after restore"));
  }

  @Test
  void aRealRebuildNeedsAReasonAndTheAdminToken() {
    orchestrator.on(Addresses.ADMIN_REBUILD_PROJECTIONS, m -> new JsonObject());

    HubFixture.HttpReply noReason = f.postJson("/admin/api/projections/rebuild", new JsonObject(), auth());
    HubFixture.HttpReply badDry = f.postJson("/admin/api/projections/rebuild",
        new JsonObject().put("dry_run", "yes").put("reason", "x"), auth());
    HubFixture.HttpReply noToken = f.postJson("/admin/api/projections/rebuild", new JsonObject().put("dry_run", true));

    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.error().getString("field")).isEqualTo("reason");
    assertThat(badDry.status()).isEqualTo(400);
    assertThat(badDry.error().getString("field")).isEqualTo("dry_run");
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(orchestrator.received(Addresses.ADMIN_REBUILD_PROJECTIONS)).isEmpty();
  }

  @Test
  void dumpStatePassesTheStateThrough() {
    JsonObject state = new JsonObject().put("run", new JsonObject().put("id", RunViews.RUN_ID));
    orchestrator.on(Addresses.ADMIN_RUN_STATE, m -> state);

    HubFixture.HttpReply r = f.call(HttpMethod.GET, "/admin/api/runs/" + RunViews.RUN_ID + "/state", auth(), null);
    HubFixture.HttpReply bad = f.call(HttpMethod.GET, "/admin/api/runs/nope/state", auth(), null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(state);
    assertThat(bad.status()).isEqualTo(404);
    assertThat(orchestrator.received(Addresses.ADMIN_RUN_STATE)).containsExactly(new JsonObject().put("id", RunViews.RUN_ID));
  }

  @Test
  void aRequeueNamesTheActorAndTheReason() {
    JsonObject answer = new JsonObject().put("run_id", DeadLetterApiTest.NEW_RUN).put("requeue_of", RunViews.JOB_ID)
        .put("requeue_of_run", RunViews.RUN_ID);
    orchestrator.on(Addresses.REQUEUE_DEAD_LETTER, m -> answer);

    HubFixture.HttpReply admin = f.postJson("/admin/api/dead-letters/" + RunViews.JOB_ID + "/requeue",
        new JsonObject().put("reason", "fixed the poison input"), auth());
    HubFixture.HttpReply anonymous = f.postJson("/api/v1/dead-letters/" + RunViews.JOB_ID + "/requeue",
        new JsonObject().put("reason", "retry after the fix"));
    HubFixture.HttpReply bare = f.call(HttpMethod.POST, "/api/v1/dead-letters/" + RunViews.JOB_ID + "/requeue",
        MultiMap.caseInsensitiveMultiMap(), Buffer.buffer());
    HubFixture.HttpReply unknown = f.postJson("/api/v1/dead-letters/" + RunViews.JOB_ID + "/requeue",
        new JsonObject().put("why", "x"));

    assertThat(admin.status()).isEqualTo(201);
    assertThat(anonymous.status()).isEqualTo(201);
    assertThat(bare.status()).isEqualTo(201);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(orchestrator.received(Addresses.REQUEUE_DEAD_LETTER)).containsExactly(
        new JsonObject().put("job_id", RunViews.JOB_ID).put("actor", "token:ops").put("reason", "fixed the poison input"),
        new JsonObject().put("job_id", RunViews.JOB_ID).put("actor", "anonymous").put("reason", "retry after the fix"),
        new JsonObject().put("job_id", RunViews.JOB_ID).put("actor", "anonymous"));
  }
}
