package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.Addresses;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The environment-secret admin routes: admin token only, forwarded with the actor, answers without values. */
class EnvironmentSecretsApiTest {
  private static final String TOKEN = "tok-0123456789abcdef";
  private static final String VALUE = "the-secret-value-Rr4";
  private HubFixture f;
  private FakeOrchestrator orchestrator;

  @BeforeEach
  void setUp() {
    f = HubFixture.start();
    orchestrator = new FakeOrchestrator(f.vertx);
    orchestrator.on(Addresses.ADMIN_TOKEN_VERIFY, m -> new JsonObject().put("id", "5b0c7a9e-1f2d-4e3c-8a7b-6c5d4e3f2a1b")
        .put("name", "ops").put("role", "admin"));
    orchestrator.on(Addresses.ADMIN_SECRET_SET, m -> new JsonObject().put("environment", "prod").put("name", "API_KEY")
        .put("updated_at", "2026-12-05T06:00:00Z"));
    orchestrator.on(Addresses.ADMIN_SECRET_LIST, m -> new JsonObject().put("environment", "prod")
        .put("secrets", new JsonArray().add(new JsonObject().put("name", "API_KEY"))));
    orchestrator.on(Addresses.ADMIN_SECRET_DELETE, m -> new JsonObject().put("deleted", true));
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private static MultiMap auth() {
    return MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + TOKEN).add("Content-Type", "application/json");
  }

  @Test
  void setListDeleteAreForwardedWithTheActorAndAnswerWithoutTheValue() {
    String path = "/admin/api/environments/prod/secrets/API_KEY";
    HubFixture.HttpReply set = f.call(HttpMethod.PUT, path, auth(), new JsonObject().put("value", VALUE).toBuffer());
    HubFixture.HttpReply list = f.call(HttpMethod.GET, "/admin/api/environments/prod/secrets", auth(), Buffer.buffer());
    HubFixture.HttpReply delete = f.call(HttpMethod.DELETE, path, auth(), Buffer.buffer());

    assertThat(set.status()).isEqualTo(200);
    assertThat(set.text()).doesNotContain(VALUE);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().getJsonArray("secrets").getJsonObject(0).getString("name")).isEqualTo("API_KEY");
    assertThat(delete.status()).isEqualTo(200);
    assertThat(orchestrator.received(Addresses.ADMIN_SECRET_SET)).containsExactly(new JsonObject()
        .put("environment", "prod").put("name", "API_KEY").put("actor", "token:ops").put("value", VALUE));
    assertThat(orchestrator.received(Addresses.ADMIN_SECRET_DELETE)).containsExactly(new JsonObject()
        .put("environment", "prod").put("name", "API_KEY").put("actor", "token:ops"));
  }

  @Test
  void withoutTheAdminTokenOrWithABadBodyNothingIsForwarded() {
    String path = "/admin/api/environments/prod/secrets/API_KEY";
    MultiMap json = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
    HubFixture.HttpReply noToken = f.call(HttpMethod.PUT, path, json, new JsonObject().put("value", VALUE).toBuffer());
    HubFixture.HttpReply extra = f.call(HttpMethod.PUT, path, auth(), new JsonObject().put("value", VALUE).put("x", 1).toBuffer());
    HubFixture.HttpReply empty = f.call(HttpMethod.PUT, path, auth(), new JsonObject().put("value", "").toBuffer());

    assertThat(noToken.status()).isEqualTo(401);
    assertThat(extra.status()).isEqualTo(400);
    assertThat(extra.error().getString("field")).isEqualTo("x");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(noToken.text() + extra.text() + empty.text()).doesNotContain(VALUE);
    assertThat(orchestrator.received(Addresses.ADMIN_SECRET_SET)).isEmpty();
  }
}
