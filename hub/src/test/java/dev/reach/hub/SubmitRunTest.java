package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SubmitRunTest {
  private HubFixture f;
  private FakeOrchestrator orchestrator;

  @BeforeEach
  void setUp() {
    f = HubFixture.start(Map.of("REACH_MAX_BODY_BYTES", "2048"));
    orchestrator = new FakeOrchestrator(f.vertx)
        .on(Addresses.SUBMIT_RUN, m -> new JsonObject().put("id", RunViews.RUN_ID).put("created", true));
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  static JsonObject spec() {
    return new JsonObject().put("name", "nightly").put("jobs", new JsonArray()
        .add(new JsonObject().put("name", "build").put("command", "make").put("timeout_seconds", 60))
        .add(new JsonObject().put("name", "test").put("command", "make test")));
  }

  static MultiMap key(String value) {
    return MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", value);
  }

  @Test
  void createdRunAnswers201WithLocationAndForwardsTheNormalisedSpec() {
    HubFixture.HttpReply r = f.postJson("/api/v1/runs", spec());

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json()).isEqualTo(new JsonObject().put("id", RunViews.RUN_ID));
    assertThat(r.headers().get("Location")).isEqualTo("/api/v1/runs/" + RunViews.RUN_ID);
    assertThat(r.headers().get("Content-Type")).startsWith("application/json");
    JsonObject sent = orchestrator.received(Addresses.SUBMIT_RUN).get(0);
    assertThat(sent.containsKey("idempotency_key")).isTrue();
    assertThat(sent.getValue("idempotency_key")).isNull();
    JsonObject job = sent.getJsonObject("spec").getJsonArray("jobs").getJsonObject(1);
    assertThat(job.getInteger("max_attempts")).isEqualTo(1); // defaults filled in by RunSpec
    assertThat(job.getInteger("timeout_seconds")).isEqualTo(3600);
  }

  @Test
  void aKeyThatReturnsAnEarlierRunAnswers200() {
    orchestrator.on(Addresses.SUBMIT_RUN, m -> new JsonObject().put("id", RunViews.RUN_ID).put("created", false));

    HubFixture.HttpReply r = f.postJson("/api/v1/runs", spec(), key("deploy-2026-11-01"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("id")).isEqualTo(RunViews.RUN_ID);
    assertThat(r.headers().get("Location")).isEqualTo("/api/v1/runs/" + RunViews.RUN_ID);
    assertThat(orchestrator.received(Addresses.SUBMIT_RUN).get(0).getString("idempotency_key"))
        .isEqualTo("deploy-2026-11-01");
  }

  @Test
  void aKeyReusedWithAnotherBodyPassesThe422Through() {
    orchestrator.on(Addresses.SUBMIT_RUN, m -> {
      throw new ReachException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "idempotency key was used for a different run",
          "Idempotency-Key");
    });

    HubFixture.HttpReply r = f.postJson("/api/v1/runs", spec(), key("k1"));

    assertThat(r.status()).isEqualTo(422);
    assertThat(r.error().getString("code")).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    assertThat(r.error().getString("field")).isEqualTo("Idempotency-Key");
    assertThat(r.error().getBoolean("retryable")).isFalse();
  }

  @Test
  void anInvalidSpecIsRefusedNamingTheFieldAndNeverReachesTheOrchestrator() {
    JsonObject unknown = spec().put("nmae", "x");
    JsonObject mistyped = spec();
    mistyped.getJsonArray("jobs").getJsonObject(0).put("timeout_seconds", "60");
    JsonObject duplicate = spec();
    duplicate.getJsonArray("jobs").getJsonObject(1).put("name", "build");

    assertInvalidSpec(f.postJson("/api/v1/runs", unknown), "nmae");
    assertInvalidSpec(f.postJson("/api/v1/runs", mistyped), "jobs[0].timeout_seconds");
    assertInvalidSpec(f.postJson("/api/v1/runs", duplicate), "jobs[1].name");
    assertThat(orchestrator.receivedTotal()).isZero();
  }

  @Test
  void aBodyThatIsNotAJsonObjectIsAnInvalidSpec() {
    for (String body : new String[] {"[1,2]", "not json {", "", "null", "\"text\""}) {
      HubFixture.HttpReply r = f.call(HttpMethod.POST, "/api/v1/runs", MultiMap.caseInsensitiveMultiMap(),
          Buffer.buffer(body));
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.error().getString("code")).as(body).isEqualTo("INVALID_SPEC");
      assertThat(r.error().getString("message")).as(body).doesNotContain("not json");
    }
    assertThat(orchestrator.receivedTotal()).isZero();
  }

  @Test
  void aBadIdempotencyKeyIsAnInvalidRequest() {
    for (MultiMap headers : new MultiMap[] {key("x".repeat(201)), key(""), key("a").add("Idempotency-Key", "b")}) {
      HubFixture.HttpReply r = f.postJson("/api/v1/runs", spec(), headers);
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.error().getString("code")).isEqualTo("INVALID_REQUEST");
      assertThat(r.error().getString("field")).isEqualTo("Idempotency-Key");
    }
    assertThat(f.postJson("/api/v1/runs", spec(), key("x".repeat(200))).status()).isEqualTo(201);
  }

  @Test
  void anOversizedBodyIs413InTheErrorContract() {
    JsonObject big = spec();
    big.getJsonArray("jobs").getJsonObject(0).put("command", "echo " + "x".repeat(4000));

    HubFixture.HttpReply r = f.postJson("/api/v1/runs", big);

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.headers().get("Content-Type")).startsWith("application/json");
    assertThat(r.error().getString("code")).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(r.error().getBoolean("retryable")).isFalse();
    assertThat(orchestrator.receivedTotal()).isZero();
  }

  private static void assertInvalidSpec(HubFixture.HttpReply r, String field) {
    assertThat(r.status()).as(field).isEqualTo(400);
    assertThat(r.error().getString("code")).as(field).isEqualTo("INVALID_SPEC");
    assertThat(r.error().getString("field")).as(field).isEqualTo(field);
    assertThat(r.error().getBoolean("retryable")).as(field).isFalse();
  }
}
