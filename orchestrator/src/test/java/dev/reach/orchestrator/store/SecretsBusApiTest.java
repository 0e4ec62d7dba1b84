package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reach.orchestrator.api.ProtocolCounters;
import dev.reach.orchestrator.api.SecretsBusApi;
import dev.reach.orchestrator.secrets.EnvironmentSecretStore;
import dev.reach.orchestrator.secrets.SecretCipher;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.config.EnvReader;
import dev.reach.shared.config.SecretsConfig;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.metrics.ReachMetrics;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The environment-secret admin addresses: set, list (names only), delete, each audited by name. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecretsBusApiTest {
  private static final String VALUE = "env-secret-value-Jd9";
  private StoreFixture f;

  @BeforeEach
  void open() {
    f = new StoreFixture();
    EnvReader r = new EnvReader(Map.of("REACH_SECRETS_KEY", Base64.getEncoder().encodeToString(new byte[32])));
    SecretCipher cipher = new SecretCipher(SecretsConfig.from(r));
    f.vertx.deployVerticle(new SecretsBusApi(new EnvironmentSecretStore(f.db, f.now, cipher),
        new ProtocolCounters(ReachMetrics.of(f.vertx)))).await();
  }

  @AfterEach
  void close() {
    f.close();
  }

  private JsonObject request(String address, JsonObject body) {
    return (JsonObject) f.vertx.eventBus().request(address, body).await().body();
  }

  @Test
  void setListDeleteNameTheSecretNeverTheValue() {
    JsonObject set = request(Addresses.ADMIN_SECRET_SET, new JsonObject().put("environment", "prod")
        .put("name", "API_KEY").put("value", VALUE).put("actor", "token:ops"));
    assertThat(set.getString("name")).isEqualTo("API_KEY");
    JsonObject list = request(Addresses.ADMIN_SECRET_LIST, new JsonObject().put("environment", "prod"));
    assertThat(list.getJsonArray("secrets")).hasSize(1);
    assertThat(list.getJsonArray("secrets").getJsonObject(0).getString("name")).isEqualTo("API_KEY");
    assertThat(request(Addresses.ADMIN_SECRET_LIST, new JsonObject().put("environment", "staging"))
        .getJsonArray("secrets")).isEmpty();
    request(Addresses.ADMIN_SECRET_DELETE, new JsonObject().put("environment", "prod").put("name", "API_KEY")
        .put("actor", "token:ops"));
    Throwable again = catchThrowable(() -> request(Addresses.ADMIN_SECRET_DELETE,
        new JsonObject().put("environment", "prod").put("name", "API_KEY")));
    assertThat(BusErrors.classify(again).code()).isEqualTo(ErrorCode.NOT_FOUND);
    Throwable badName = catchThrowable(() -> request(Addresses.ADMIN_SECRET_SET, new JsonObject()
        .put("environment", "prod").put("name", "REACH_X").put("value", VALUE)));
    assertThat(BusErrors.classify(badName).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(badName.getMessage()).doesNotContain(VALUE);

    String events = f.sql("SELECT string_agg(type || ' ' || payload::text, E'\\n' ORDER BY seq) FROM events"
        + " WHERE type LIKE 'secret_%'").getString(0);
    assertThat(events).contains("secret_set", "secret_deleted", "API_KEY", "token:ops").doesNotContain(VALUE);
    assertThat(f.count("SELECT count(*) FROM environment_secrets")).isZero();
  }
}
