package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.auth.TokenHash;
import dev.reach.shared.breaker.BreakerSettings;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.testing.SettableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the hub remembers of verified tokens: one question per token however many requests arrive
 * together, none while the answer is fresh, a new one once it is {@link TokenAuth#FRESH} old (on an
 * injected clock), and at once after a revocation is published. The orchestrator's verify address is
 * served by a real event-bus consumer that can hold its answers back.
 */
class TokenAuthMemoryTest {
  private static final String TOKEN = "memory-token-0123456789";

  private Vertx vertx;
  private HttpServer server;
  private HttpClient client;
  private final SettableClock clock = new SettableClock(Instant.parse("2026-12-05T09:00:00Z"));
  private final List<Message<JsonObject>> questions = new CopyOnWriteArrayList<>();
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();
  private volatile boolean holdAnswers;
  private TokenAuth auth;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer(Addresses.ADMIN_TOKEN_VERIFY, m -> {
      questions.add(m);
      if (!holdAnswers) {
        answer(m);
      }
    }).completion().await(10, TimeUnit.SECONDS);
    vertx.eventBus().consumer(Addresses.TOKEN_REVOKED, m -> auth.forgetVerified()).completion()
        .await(10, TimeUnit.SECONDS);
    OrchestratorClient orchestrator = new OrchestratorClient(vertx, 5_000, new BreakerSettings(50, 1, 60_000), clock);
    auth = new TokenAuth(orchestrator, null, true, clock, null);
    Router router = Router.router(vertx);
    router.get("/viewer").handler(auth.require(ApiRole.VIEWER)).handler(ctx -> ctx.response().end("ok"));
    router.route().failureHandler(new FailureHandler(1024));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    // a new connection per request: twice under load a batch on pooled keep-alive connections hung here
    // with no request reaching the router (cause not found); the hub's own path is the same either way
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void answer(Message<JsonObject> m) {
    String sha = m.body().getString("token_sha256");
    if (sha.equals(TokenHash.sha256(TOKEN)) && !revoked.contains(sha)) {
      m.reply(new JsonObject().put("id", "66666666-6666-4666-8666-666666666666").put("name", "mem").put("role", "viewer"));
    } else {
      BusErrors.fail(m, new ReachException(ErrorCode.UNAUTHORIZED, "unknown or revoked token"));
    }
  }

  private Future<Integer> get() {
    return client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/viewer")
        .compose(req -> req.putHeader("Authorization", "Bearer " + TOKEN).send())
        .compose(res -> res.body().map(b -> res.statusCode()));
  }

  private List<Integer> getAll(int n) throws Exception {
    List<Future<Integer>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(get());
    }
    Future.all(all).await(20, TimeUnit.SECONDS);
    return all.stream().map(Future::result).toList();
  }

  @Test
  void requestsArrivingTogetherShareOneQuestionAndAFreshAnswerIsNotAskedAgain() throws Exception {
    holdAnswers = true;
    List<Future<Integer>> waiting = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      waiting.add(get());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> !questions.isEmpty());
    // give the other 19 requests the time to reach the hub while the question is unanswered
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
        .until(() -> questions.size() == 1);
    holdAnswers = false;
    answer(questions.get(0));
    Future.all(waiting).await(20, TimeUnit.SECONDS);
    assertThat(waiting).allSatisfy(f -> assertThat(f.result()).isEqualTo(200));
    assertThat(questions).hasSize(1);

    assertThat(getAll(10)).containsOnly(200);
    assertThat(questions).as("the answer is fresh: not asked again").hasSize(1);

    clock.advance(TokenAuth.FRESH.minusMillis(1));
    assertThat(getAll(5)).containsOnly(200);
    assertThat(questions).hasSize(1);

    clock.advance(Duration.ofMillis(2));
    assertThat(getAll(5)).containsOnly(200);
    assertThat(questions).as("asked again once the answer is %s old", TokenAuth.FRESH).hasSize(2);
  }

  @Test
  void aPublishedRevocationEndsTheMemoryAtOnce() throws Exception {
    assertThat(getAll(3)).containsOnly(200);
    assertThat(questions).hasSize(1);

    revoked.add(TokenHash.sha256(TOKEN));
    vertx.eventBus().publish(Addresses.TOKEN_REVOKED, new JsonObject().put("id", "66666666-6666-4666-8666-666666666666"));
    await().atMost(Duration.ofSeconds(10)).until(() -> get().await(10, TimeUnit.SECONDS) == 401);
    assertThat(questions).hasSize(2);
  }

  @Test
  void withoutThePublishedRevocationARevokedTokenStopsPassingOnceItsAnswerIsStale() throws Exception {
    assertThat(getAll(1)).containsOnly(200);
    revoked.add(TokenHash.sha256(TOKEN));
    assertThat(getAll(1)).as("still fresh: not asked").containsOnly(200);
    clock.advance(TokenAuth.FRESH);
    assertThat(getAll(1)).containsOnly(401);
  }
}
