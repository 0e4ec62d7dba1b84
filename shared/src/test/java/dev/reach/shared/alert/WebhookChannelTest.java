package dev.reach.shared.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.testing.SettableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook channel against a real receiver: a Vert.x HTTP server on 127.0.0.1. */
class WebhookChannelTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger hits = new AtomicInteger();
  private HttpServer server;

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  /** Starts the receiver; {@code answer} replies to each request (after its body was read). */
  private String receiver(Consumer<HttpServerRequest> answer) {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      hits.incrementAndGet();
      if (body.length() > 0) {
        received.add(body.toJsonObject());
      }
      answer.accept(req);
    })).listen(0, "127.0.0.1").await();
    return "http://127.0.0.1:" + server.actualPort() + "/hooks/reach";
  }

  /** Keeps every send's future, so a test can wait for all of them before counting. */
  static final class Tap implements AlertChannel {
    final AlertChannel inner;
    final List<Future<Void>> sends = new CopyOnWriteArrayList<>();

    Tap(AlertChannel inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public Future<Void> send(Alert alert) {
      Future<Void> f = inner.send(alert);
      sends.add(f);
      return f;
    }

    void awaitAll() {
      Future.join(List.copyOf(sends)).otherwiseEmpty().await();
    }
  }

  private static Alert alert(String key) {
    return new Alert(key, AlertLevel.CRITICAL, "orchestrator", "node-1", "the database is unreachable", 3, T0, T0);
  }

  @Test
  void theReceiverGetsExactlyTheAlertsThatPassedThresholdAndCooldown() {
    String url = receiver(req -> req.response().setStatusCode(204).end());
    SettableClock clock = new SettableClock(T0);
    Tap webhook = new Tap(new WebhookChannel(vertx, new WebhookChannel.Settings(url, 2_000, 3, 10)));
    Alerts alerts = Alerts.open(vertx, "orchestrator", "node-1", clock, AlertPolicy.defaults(),
        new AlertStore(vertx, AlertStore.fileFor(dir, "orchestrator")), List.of(new LogChannel(), webhook)).await();

    for (int i = 1; i <= 6; i++) {
      alerts.failure(AlertKeys.DATABASE_UNREACHABLE, AlertLevel.CRITICAL, "breaker opened (" + i + ")");
      alerts.failure(AlertKeys.DISK_PRESSURE, AlertLevel.WARNING, "12 MB free");
    }
    clock.advance(Duration.ofHours(1));
    alerts.failure(AlertKeys.DATABASE_UNREACHABLE, AlertLevel.CRITICAL, "still unreachable");
    alerts.success(AlertKeys.DISK_PRESSURE);
    alerts.event(AlertKeys.MASS_LEASE_EXPIRY, AlertLevel.CRITICAL, "9 of 10 active leases would expire in one pass");
    webhook.awaitAll();

    assertThat(received).extracting(o -> o.getString("alert") + "@" + o.getInteger("count")).containsExactlyInAnyOrder(
        "database_unreachable@3", "disk_pressure@5", "database_unreachable@7", "mass_lease_expiry@3");
    JsonObject first = received.stream().filter(o -> o.getInteger("count") == 3
        && o.getString("alert").equals("database_unreachable")).findFirst().orElseThrow();
    assertThat(first.fieldNames()).containsExactlyInAnyOrder(
        "alert", "level", "service", "node", "message", "count", "first_failure_at", "at");
    assertThat(first.getString("level")).isEqualTo("CRITICAL");
    assertThat(first.getString("service")).isEqualTo("orchestrator");
    assertThat(first.getString("node")).isEqualTo("node-1");
    assertThat(first.getString("message")).isEqualTo("breaker opened (3)");
    assertThat(first.getString("first_failure_at")).isEqualTo(T0.toString());
    assertThat(first.getString("at")).isEqualTo(T0.toString());
    assertThat(hits.get()).isEqualTo(4);
  }

  @Test
  void aFailingReceiverIsTriedABoundedNumberOfTimes() {
    String url = receiver(req -> req.response().setStatusCode(503).end());
    WebhookChannel webhook = new WebhookChannel(vertx, new WebhookChannel.Settings(url, 2_000, 3, 5));

    assertThatThrownBy(() -> webhook.send(alert("database_unreachable")).await()).hasMessageContaining("HTTP 503");
    assertThat(hits.get()).isEqualTo(3);
    assertThat(received).hasSize(3).allSatisfy(o -> assertThat(o.getString("alert")).isEqualTo("database_unreachable"));
    assertThat(webhook.describe().getLong("given_up")).isEqualTo(1);
    assertThat(webhook.describe().getLong("tries")).isEqualTo(3);
  }

  @Test
  void aReceiverThatRecoversGetsTheAlertOnALaterTry() {
    AtomicInteger calls = new AtomicInteger();
    String url = receiver(req -> req.response().setStatusCode(calls.incrementAndGet() == 1 ? 500 : 200).end());
    WebhookChannel webhook = new WebhookChannel(vertx, new WebhookChannel.Settings(url, 2_000, 3, 5));

    webhook.send(alert("leader_lost")).await();
    assertThat(hits.get()).isEqualTo(2);
    assertThat(webhook.describe().getLong("delivered")).isEqualTo(1);
  }

  @Test
  void aClientErrorIsNotTriedAgain() {
    String url = receiver(req -> req.response().setStatusCode(400).end());
    WebhookChannel webhook = new WebhookChannel(vertx, new WebhookChannel.Settings(url, 2_000, 3, 5));

    assertThatThrownBy(() -> webhook.send(alert("leader_lost")).await()).hasMessageContaining("HTTP 400");
    assertThat(hits.get()).isEqualTo(1);
  }

  @Test
  void aReceiverThatNeverAnswersIsBoundedByTheTimeout() {
    String url = receiver(req -> { /* never answers */ });
    WebhookChannel webhook = new WebhookChannel(vertx, new WebhookChannel.Settings(url, 300, 2, 5));

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> webhook.send(alert("leader_lost")).await()).isNotNull();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(webhook.describe().getLong("tries")).isEqualTo(2);
    // the client gave up on its own clock: that the receiver has read each request by then is not
    // something the channel can know (a receiver's event loop a timeout behind is counted later)
    await().atMost(Duration.ofSeconds(2)).until(() -> hits.get() == 2);
  }

  @Test
  void backoffDoublesUpToTheCap() {
    WebhookChannel webhook = new WebhookChannel(vertx, new WebhookChannel.Settings("http://127.0.0.1:9/", 100, 10, 1_000));
    assertThat(webhook.backoff(1)).isEqualTo(1_000);
    assertThat(webhook.backoff(2)).isEqualTo(2_000);
    assertThat(webhook.backoff(3)).isEqualTo(4_000);
    assertThat(webhook.backoff(9)).isEqualTo(WebhookChannel.MAX_BACKOFF_MS);
  }
}
