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

class RunQueryTest {
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

  @Test
  void getRunPassesTheOrchestratorsViewThrough() {
    JsonObject view = RunViews.run("RUNNING", "LOST", "RUNNING");
    orchestrator.on(Addresses.GET_RUN, m -> view);

    HubFixture.HttpReply r = f.get("/api/v1/runs/" + RunViews.RUN_ID.toUpperCase());

    assertThat(r.status()).isEqualTo(200);
    JsonObject expected = view.copy();
    expected.getJsonArray("jobs").getJsonObject(0).getJsonArray("attempts")
        .forEach(a -> ((JsonObject) a).put("artifacts", new JsonArray())); // no log metadata yet: none recorded
    assertThat(r.json()).isEqualTo(expected);
    assertThat(orchestrator.received(Addresses.GET_RUN)).containsExactly(new JsonObject().put("id", RunViews.RUN_ID));
  }

  @Test
  void aRunUnknownToTheOrchestratorIs404() {
    orchestrator.on(Addresses.GET_RUN, m -> {
      throw new ReachException(ErrorCode.RUN_NOT_FOUND, "no run with this id");
    });

    HubFixture.HttpReply r = f.get("/api/v1/runs/" + RunViews.RUN_ID);

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error().getString("code")).isEqualTo("RUN_NOT_FOUND");
  }

  @Test
  void aMalformedRunIdIs404WithoutAskingTheOrchestrator() {
    orchestrator.on(Addresses.GET_RUN, m -> RunViews.run("QUEUED"));
    orchestrator.on(Addresses.CANCEL_RUN, m -> new JsonObject());

    for (String path : new String[] {"/api/v1/runs/not-a-uuid", "/api/v1/runs/1-1-1-1-1",
        "/api/v1/runs/x/jobs/build/log"}) {
      HubFixture.HttpReply r = f.get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.error().getString("code")).as(path).isEqualTo("RUN_NOT_FOUND");
    }
    HubFixture.HttpReply cancel = f.call(HttpMethod.POST, "/api/v1/runs/nope/cancel");
    assertThat(cancel.status()).isEqualTo(404);
    assertThat(cancel.error().getString("code")).isEqualTo("RUN_NOT_FOUND");
    assertThat(orchestrator.receivedTotal()).isZero();
  }

  @Test
  void listForwardsStateAndLimit() {
    JsonObject runs = new JsonObject().put("runs", new JsonArray().add(new JsonObject().put("id", RunViews.RUN_ID)));
    orchestrator.on(Addresses.LIST_RUNS, m -> runs);

    HubFixture.HttpReply all = f.get("/api/v1/runs");
    HubFixture.HttpReply failed = f.get("/api/v1/runs?state=FAILED&limit=5");

    assertThat(all.status()).isEqualTo(200);
    assertThat(all.json()).isEqualTo(runs);
    assertThat(failed.status()).isEqualTo(200);
    assertThat(orchestrator.received(Addresses.LIST_RUNS)).containsExactly(
        new JsonObject().put("state", null).put("limit", 100),
        new JsonObject().put("state", "FAILED").put("limit", 5));
  }

  @Test
  void listRefusesABadStateOrLimit() {
    orchestrator.on(Addresses.LIST_RUNS, m -> new JsonObject().put("runs", new JsonArray()));

    HubFixture.HttpReply state = f.get("/api/v1/runs?state=DONE");
    assertThat(state.status()).isEqualTo(400);
    assertThat(state.error().getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(state.error().getString("field")).isEqualTo("state");

    for (String limit : new String[] {"0", "1001", "ten", "-1"}) {
      HubFixture.HttpReply r = f.get("/api/v1/runs?limit=" + limit);
      assertThat(r.status()).as(limit).isEqualTo(400);
      assertThat(r.error().getString("field")).as(limit).isEqualTo("limit");
    }
    assertThat(orchestrator.receivedTotal()).isZero();
  }

  @Test
  void cancelPassesTheAnswerThrough() {
    JsonObject answer = new JsonObject().put("id", RunViews.RUN_ID).put("state", "CANCELLED").put("cancelled_jobs", 2);
    orchestrator.on(Addresses.CANCEL_RUN, m -> answer);

    HubFixture.HttpReply r = f.call(HttpMethod.POST, "/api/v1/runs/" + RunViews.RUN_ID + "/cancel");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(answer);
    assertThat(orchestrator.received(Addresses.CANCEL_RUN)).containsExactly(new JsonObject().put("id", RunViews.RUN_ID));
  }

  @Test
  void runnersPassTheListThrough() {
    JsonObject answer = new JsonObject().put("runners", new JsonArray().add(new JsonObject().put("id", "r1")));
    orchestrator.on(Addresses.LIST_RUNNERS, m -> answer);

    HubFixture.HttpReply r = f.get("/api/v1/runners");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(answer);
  }
}
