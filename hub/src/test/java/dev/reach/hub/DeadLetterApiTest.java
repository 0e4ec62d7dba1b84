package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dead-letter API over the orchestrator's bus addresses: list, show, requeue. */
class DeadLetterApiTest {
  static final String JOB_ID = RunViews.JOB_ID;
  static final String NEW_RUN = "7d1b8a52-0c1e-4d7f-9a3b-2f6e4c5d8e90";

  private HubFixture f;
  private FakeOrchestrator orchestrator;

  @BeforeEach
  void setUp() {
    f = HubFixture.start();
    orchestrator = new FakeOrchestrator(f.vertx);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  static JsonObject letter() {
    return new JsonObject().put("job_id", JOB_ID).put("run_id", RunViews.RUN_ID).put("job_name", "build")
        .put("quarantined_at", "2026-11-01T10:05:00Z").put("reason", "lost_too_often").put("lost_attempts", 3)
        .put("requeued_runs", new JsonArray());
  }

  @Test
  void listForwardsTheLimitAndPassesTheListThrough() {
    JsonObject list = new JsonObject().put("dead_letters", new JsonArray().add(letter()));
    orchestrator.on(Addresses.LIST_DEAD_LETTERS, m -> list);

    HubFixture.HttpReply all = f.get("/api/v1/dead-letters");
    HubFixture.HttpReply few = f.get("/api/v1/dead-letters?limit=5");

    assertThat(all.status()).isEqualTo(200);
    assertThat(all.json()).isEqualTo(list);
    assertThat(few.status()).isEqualTo(200);
    assertThat(orchestrator.received(Addresses.LIST_DEAD_LETTERS)).containsExactly(
        new JsonObject().put("limit", 50), new JsonObject().put("limit", 5));
  }

  @Test
  void listRefusesABadLimitNamingIt() {
    orchestrator.on(Addresses.LIST_DEAD_LETTERS, m -> new JsonObject().put("dead_letters", new JsonArray()));

    for (String limit : new String[] {"0", "501", "many", "-3", "5&limit=6"}) {
      HubFixture.HttpReply r = f.get("/api/v1/dead-letters?limit=" + limit);
      assertThat(r.status()).as(limit).isEqualTo(400);
      assertThat(r.error().getString("code")).as(limit).isEqualTo("INVALID_REQUEST");
      assertThat(r.error().getString("field")).as(limit).isEqualTo("limit");
    }
    assertThat(f.get("/api/v1/dead-letters?limit=500").status()).isEqualTo(200);
    assertThat(orchestrator.received(Addresses.LIST_DEAD_LETTERS)).hasSize(1);
  }

  @Test
  void showPassesTheDeadLetterThrough() {
    JsonObject full = letter().put("spec", new JsonObject().put("name", "build").put("command", "make"))
        .put("attempts", new JsonArray().add(new JsonObject().put("number", 1).put("token", 7).put("runner", "r1")
            .put("state", "LOST").put("reason", "runner_restarted")));
    orchestrator.on(Addresses.GET_DEAD_LETTER, m -> full);

    HubFixture.HttpReply r = f.get("/api/v1/dead-letters/" + JOB_ID.toUpperCase());

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(full);
    assertThat(orchestrator.received(Addresses.GET_DEAD_LETTER)).containsExactly(new JsonObject().put("job_id", JOB_ID));
  }

  @Test
  void anUnknownDeadLetterIs404() {
    orchestrator.on(Addresses.GET_DEAD_LETTER, m -> {
      throw new ReachException(ErrorCode.DEAD_LETTER_NOT_FOUND, "no dead letter for job " + JOB_ID);
    });
    orchestrator.on(Addresses.REQUEUE_DEAD_LETTER, m -> {
      throw new ReachException(ErrorCode.DEAD_LETTER_NOT_FOUND, "no dead letter for job " + JOB_ID);
    });

    for (HubFixture.HttpReply r : new HubFixture.HttpReply[] {
        f.get("/api/v1/dead-letters/" + JOB_ID),
        f.call(HttpMethod.POST, "/api/v1/dead-letters/" + JOB_ID + "/requeue")}) {
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.error().getString("code")).isEqualTo("DEAD_LETTER_NOT_FOUND");
      assertThat(r.error().getBoolean("retryable")).isFalse();
    }
  }

  @Test
  void badJobIdsAre400NamingTheFieldWithoutAskingTheOrchestrator() {
    orchestrator.on(Addresses.GET_DEAD_LETTER, m -> letter());
    orchestrator.on(Addresses.REQUEUE_DEAD_LETTER, m -> new JsonObject());

    for (HubFixture.HttpReply r : new HubFixture.HttpReply[] {
        f.get("/api/v1/dead-letters/not-a-uuid"),
        f.get("/api/v1/dead-letters/" + JOB_ID + "x"),
        f.call(HttpMethod.POST, "/api/v1/dead-letters/nope/requeue")}) {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.error().getString("code")).isEqualTo("INVALID_REQUEST");
      assertThat(r.error().getString("field")).isEqualTo("job_id");
    }
    assertThat(orchestrator.receivedTotal()).isZero();
  }

  @Test
  void requeueAnswers201WithTheNewRunAndItsLocation() {
    JsonObject answer = new JsonObject().put("run_id", NEW_RUN).put("requeue_of", JOB_ID)
        .put("requeue_of_run", RunViews.RUN_ID);
    orchestrator.on(Addresses.REQUEUE_DEAD_LETTER, m -> answer);

    HubFixture.HttpReply r = f.call(HttpMethod.POST, "/api/v1/dead-letters/" + JOB_ID + "/requeue");

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json()).isEqualTo(answer);
    assertThat(r.headers().get("Location")).isEqualTo("/api/v1/runs/" + NEW_RUN);
    assertThat(orchestrator.received(Addresses.REQUEUE_DEAD_LETTER)).containsExactly(new JsonObject().put("job_id", JOB_ID).put("actor", "anonymous"));
  }

  @Test
  void aMalformedRequeueReplyIsInternal() {
    orchestrator.on(Addresses.REQUEUE_DEAD_LETTER, m -> new JsonObject().put("run", NEW_RUN));

    HubFixture.HttpReply r = f.call(HttpMethod.POST, "/api/v1/dead-letters/" + JOB_ID + "/requeue");

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.error().getString("code")).isEqualTo("INTERNAL");
  }

  @Test
  void wrongMethodsAre405() {
    assertThat(f.call(HttpMethod.DELETE, "/api/v1/dead-letters/" + JOB_ID).status()).isEqualTo(405);
    assertThat(f.call(HttpMethod.GET, "/api/v1/dead-letters/" + JOB_ID + "/requeue").status()).isEqualTo(405);
  }
}
