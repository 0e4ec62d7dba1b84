package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.auth.TokenHash;
import dev.reach.shared.bus.Addresses;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's limits on what a client sends: JSON depth and string length, unknown query parameters,
 * requests the HTTP decoder cannot read, and the per-token rate limit ({@code 429} with {@code Retry-After}).
 */
class HostileInputLimitsTest {
  private static final String TOKEN = "limits-token-0123456789";
  private HubFixture f;
  private FakeOrchestrator orchestrator;

  private void start(Map<String, String> env) {
    f = HubFixture.start(env);
    orchestrator = new FakeOrchestrator(f.vertx);
    orchestrator.on(Addresses.ADMIN_TOKEN_VERIFY, m -> {
      if (!TokenHash.sha256(TOKEN).equals(m.getString("token_sha256"))) {
        throw new dev.reach.shared.error.ReachException(dev.reach.shared.error.ErrorCode.UNAUTHORIZED, "unknown");
      }
      return new JsonObject().put("id", "66666666-6666-4666-8666-666666666666").put("name", "ci").put("role", "submitter");
    });
    orchestrator.on(Addresses.LIST_RUNS, m -> new JsonObject().put("runs", new JsonArray()));
    orchestrator.on(Addresses.SUBMIT_RUN, m -> new JsonObject().put("id", RunViews.RUN_ID).put("created", true));
  }

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private static MultiMap auth() {
    return MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + TOKEN);
  }

  @Test
  void aBodyNestedTooDeepOrWithTooLongAStringIsRefusedBeforeParsing() {
    start(Map.of("REACH_AUTH", "true", "REACH_MAX_JSON_DEPTH", "8", "REACH_MAX_JSON_STRING_CHARS", "2048"));
    String deep = "{\"a\":".repeat(9) + "1" + "}".repeat(9);
    String justDeepEnough = "{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"true\",\"env\":{}}],\"zz\":"
        + "[".repeat(4) + "]".repeat(4) + "}";
    String longString = "{\"name\":\"" + "é".repeat(2049) + "\",\"jobs\":[]}";

    HubFixture.HttpReply tooDeep = f.postJson("/api/v1/runs", new JsonObject(deep), auth());
    HubFixture.HttpReply deepEnough = f.postJson("/api/v1/runs", new JsonObject(justDeepEnough), auth());
    HubFixture.HttpReply tooLong = f.postJson("/api/v1/runs", new JsonObject(longString), auth());

    assertThat(tooDeep.status()).isEqualTo(400);
    assertThat(tooDeep.error().getString("message")).contains("nested deeper than 8 levels");
    assertThat(deepEnough.status()).as("depth 6 passes the limit; the unknown field is what is refused").isEqualTo(400);
    assertThat(deepEnough.error().getString("field")).isEqualTo("zz");
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.error().getString("message")).contains("longer than 2048 characters");
    assertThat(orchestrator.received(Addresses.SUBMIT_RUN)).isEmpty();
  }

  @Test
  void anUnknownOrRepeatedQueryParameterIsNamed() {
    start(Map.of("REACH_AUTH", "true"));
    HubFixture.HttpReply unknown = f.call(HttpMethod.GET, "/api/v1/runs?limit=5&colour=red", auth(), null);
    HubFixture.HttpReply repeated = f.call(HttpMethod.GET, "/api/v1/runs?limit=5&limit=6", auth(), null);
    HubFixture.HttpReply onARouteWithNone = f.call(HttpMethod.GET, "/api/v1/runners?x=1", auth(), null);
    HubFixture.HttpReply fine = f.call(HttpMethod.GET, "/api/v1/runs?limit=5&state=FAILED", auth(), null);

    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.error().getString("field")).isEqualTo("colour");
    assertThat(unknown.error().getString("message")).contains("allowed: limit, state");
    assertThat(repeated.status()).isEqualTo(400);
    assertThat(repeated.error().getString("field")).isEqualTo("limit");
    assertThat(onARouteWithNone.status()).isEqualTo(400);
    assertThat(onARouteWithNone.error().getString("message")).contains("allowed: none");
    assertThat(fine.status()).isEqualTo(200);
  }

  @Test
  void aRequestLineTooLongForTheDecoderStillGetsTheErrorContract() {
    start(Map.of("REACH_AUTH", "true"));
    HubFixture.HttpReply r = f.call(HttpMethod.GET, "/api/v1/runs/" + "a".repeat(10_000), auth(), null);

    assertThat(r.status()).isEqualTo(414);
    assertThat(r.error().getString("code")).isEqualTo("URI_TOO_LONG");
    assertThat(f.get("/health/live").status()).isEqualTo(200);
  }

  @Test
  void aTokenOverItsRateGets429WithRetryAfterAndOthersAreNotSlowed() {
    start(Map.of("REACH_AUTH", "false", "REACH_RATE_LIMIT_PER_SECOND", "1", "REACH_RATE_LIMIT_BURST", "5"));
    List<Integer> statuses = new ArrayList<>();
    HubFixture.HttpReply limited = null;
    for (int i = 0; i < 8; i++) {
      HubFixture.HttpReply r = f.get("/api/v1/runs");
      statuses.add(r.status());
      if (r.status() == 429) {
        limited = r;
      }
    }

    // a burst of 5 passes, then at most one more token refills in the few milliseconds the loop takes
    assertThat(statuses.subList(0, 5)).containsOnly(200);
    assertThat(statuses.stream().filter(s -> s == 429).count()).isGreaterThanOrEqualTo(2);
    assertThat(limited).isNotNull();
    assertThat(limited.error().getString("code")).isEqualTo("RATE_LIMITED");
    assertThat(limited.error().getBoolean("retryable")).isTrue();
    assertThat(Long.parseLong(limited.headers().get("Retry-After"))).isBetween(1L, 2L);
  }

  @Test
  void theRateLimitCountsPerTokenAndThrottlesOnlyTheTokenOverIt() {
    start(Map.of("REACH_AUTH", "true", "REACH_RATE_LIMIT_PER_SECOND", "1", "REACH_RATE_LIMIT_BURST", "3"));
    for (int i = 0; i < 3; i++) {
      assertThat(f.call(HttpMethod.GET, "/api/v1/runs", auth(), null).status()).isEqualTo(200);
    }
    HubFixture.HttpReply over = f.call(HttpMethod.GET, "/api/v1/runs", auth(), null);
    HubFixture.HttpReply noToken = f.get("/api/v1/runs");

    assertThat(over.status()).isEqualTo(429);
    assertThat(noToken.status()).as("an unauthenticated request is answered 401, not counted against the token")
        .isEqualTo(401);
  }

  @Test
  void theLimiterRefillsWithTheInjectedClock() {
    dev.reach.shared.testing.SettableClock clock =
        new dev.reach.shared.testing.SettableClock(java.time.Instant.parse("2026-12-05T06:00:00Z"));
    RateLimiter limiter = new RateLimiter(2, 2, clock);

    assertThat(limiter.take("a")).isZero();
    assertThat(limiter.take("a")).isZero();
    assertThat(limiter.take("a")).isEqualTo(500);
    assertThat(limiter.take("b")).as("another client has its own bucket").isZero();
    clock.advance(java.time.Duration.ofMillis(500));
    assertThat(limiter.take("a")).isZero();
    assertThat(limiter.take("a")).isEqualTo(500);
  }

  @Test
  void aBodyThatIsNotJsonNeverEchoesIt() {
    start(Map.of("REACH_AUTH", "true"));
    MultiMap h = auth().add("Content-Type", "application/json");
    HubFixture.HttpReply r = f.call(HttpMethod.POST, "/api/v1/runs", h, Buffer.buffer("{\"name\": secret-value-123"));

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text()).doesNotContain("secret-value-123");
  }
}
