package dev.reach.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.artifacts.StoreFixture.Lease;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.ReachException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The event-bus API: ARTIFACT_ENDPOINT, LOG_READ, ARTIFACT_LIST and malformed messages. */
class BusApiTest {
  static StoreFixture store;

  @BeforeAll
  static void start() throws Exception {
    store = StoreFixture.start(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void endpointAnswersTheBaseUrlWithTheActualPort() throws Exception {
    JsonObject reply = store.request(Addresses.ARTIFACT_ENDPOINT, new JsonObject());
    assertThat(reply.getString("url")).isEqualTo("http://127.0.0.1:" + store.service.httpPort());
    assertThat(store.service.baseUrl()).isEqualTo(reply.getString("url"));
    assertThat(store.service.httpPort()).isPositive();
  }

  @Test
  void logReadReturnsSlicesByOffsetAsBase64() throws Exception {
    Lease lease = store.lease();
    UUID job = lease.jobId();
    JsonObject missing = store.request(Addresses.LOG_READ, read(job, 0, 100));
    assertThat(missing.getBinary("data")).isEmpty();
    assertThat(missing.getLong("size")).isZero();
    assertThat(missing.getBoolean("sealed")).isFalse();
    assertThat(missing.getLong("next_offset")).isZero();

    store.post("/v1/logs/" + job + "/1?token=" + lease.token() + "&offset=0", "step 1\n");
    JsonObject first = store.request(Addresses.LOG_READ, read(job, 0, 100));
    assertThat(new String(first.getBinary("data"), StandardCharsets.UTF_8)).isEqualTo("step 1\n");
    assertThat(first.getLong("offset")).isZero();
    assertThat(first.getLong("next_offset")).isEqualTo(7);
    assertThat(first.getLong("size")).isEqualTo(7);
    assertThat(first.getBoolean("sealed")).isFalse();

    store.post("/v1/logs/" + job + "/1?token=" + lease.token() + "&offset=7&seal=true", "step 2\n");
    JsonObject next = store.request(Addresses.LOG_READ, read(job, 7, 4));
    assertThat(new String(next.getBinary("data"), StandardCharsets.UTF_8)).isEqualTo("step");
    assertThat(next.getLong("next_offset")).isEqualTo(11);
    assertThat(next.getLong("size")).isEqualTo(14);
    assertThat(next.getBoolean("sealed")).isTrue();

    JsonObject end = store.request(Addresses.LOG_READ, read(job, 14, 100));
    assertThat(end.getBinary("data")).isEmpty();
    assertThat(end.getLong("next_offset")).isEqualTo(14);
  }

  @Test
  void listMatchesTheHttpListing() throws Exception {
    Lease lease = store.lease(2);
    UUID job = lease.jobId();
    store.send(HttpMethod.PUT, "/v1/artifacts/" + job + "/2/x.txt?token=" + lease.token(), Buffer.buffer("x"));
    store.post("/v1/logs/" + job + "/2?token=" + lease.token() + "&offset=0&seal=true", "log");
    JsonObject bus = store.request(Addresses.ARTIFACT_LIST, new JsonObject().put("job_id", job.toString()).put("attempt", 2));
    assertThat(bus).isEqualTo(store.get("/v1/artifacts/" + job + "/2").json());
    assertThat(bus.getJsonArray("files")).hasSize(1);
    assertThat(bus.getJsonObject("log").getBoolean("sealed")).isTrue();

    JsonObject empty = store.request(Addresses.ARTIFACT_LIST,
        new JsonObject().put("job_id", UUID.randomUUID().toString()).put("attempt", 1));
    assertThat(empty).isEqualTo(new JsonObject().putNull("log").put("files", new JsonArray()));
  }

  @Test
  void malformedMessagesFailWithMalformedMessage() throws Exception {
    assertMalformed(Addresses.LOG_READ, "not json", null);
    assertMalformed(Addresses.LOG_READ, new JsonObject().put("attempt", 1), "job_id");
    assertMalformed(Addresses.LOG_READ, new JsonObject().put("job_id", "nope").put("attempt", 1), "job_id");
    assertMalformed(Addresses.LOG_READ, new JsonObject().put("job_id", UUID.randomUUID().toString()), "attempt");
    assertMalformed(Addresses.LOG_READ, read(UUID.randomUUID(), -1, 10), "offset");
    assertMalformed(Addresses.LOG_READ,
        new JsonObject().put("job_id", UUID.randomUUID().toString()).put("attempt", 1).put("offset", "zero"), "offset");
    assertMalformed(Addresses.ARTIFACT_LIST, new JsonObject().put("job_id", UUID.randomUUID().toString())
        .put("attempt", 0), "attempt");
    assertMalformed(Addresses.ARTIFACT_ENDPOINT, 42, null);
  }

  private static JsonObject read(UUID job, long offset, long max) {
    return new JsonObject().put("job_id", job.toString()).put("attempt", 1).put("offset", offset).put("max_bytes", max);
  }

  private static void assertMalformed(String address, Object body, String field) throws Exception {
    ReplyException failure = store.requestFailure(address, body);
    assertThat(failure.failureCode()).isEqualTo(400);
    ReachException e = ReachException.fromJson(new JsonObject(failure.getMessage()));
    assertThat(e.code().name()).isEqualTo("MALFORMED_MESSAGE");
    if (field != null) {
      assertThat(e.field()).isEqualTo(field);
    }
  }
}
