package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

/** The dashboard's queue chart history: bounded to its window, errors kept as such, never two requests at once. */
class QueueHistoryTest {
  final Vertx vertx = Vertx.vertx();
  final Clock clock = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void keepsOnlyTheWindowOldestFirst() {
    QueueHistory history = new QueueHistory(clock, 1_000, 4_000);
    for (int i = 0; i < 10; i++) {
      history.record(new JsonObject().put("at", "t" + i).put("queued", i));
    }
    JsonObject json = history.toJson();
    assertThat(json.getLong("interval_ms")).isEqualTo(1_000);
    assertThat(json.getLong("window_ms")).isEqualTo(4_000);
    assertThat(json.getJsonArray("samples").stream().map(o -> ((JsonObject) o).getInteger("queued")))
        .containsExactly(6, 7, 8, 9);
  }

  @Test
  void samplesFiguresAndKeepsAFailureAsItsCode() {
    List<Future<JsonObject>> answers = new ArrayList<>(List.of(
        Future.succeededFuture(new JsonObject().put("queued", 3L).put("oldest_queued_age_ms", 1200L)),
        Future.failedFuture(new ReachException(ErrorCode.DB_CIRCUIT_OPEN, "open", null, 500, null))));
    QueueHistory history = new QueueHistory(clock, 50, 10_000);
    history.start(vertx, () -> answers.size() > 1 ? answers.remove(0) : answers.get(0));
    await().atMost(10, TimeUnit.SECONDS).until(() -> history.toJson().getJsonArray("samples").size() >= 3);
    history.stop();
    JsonArray samples = history.toJson().getJsonArray("samples");
    assertThat(samples.getJsonObject(0)).isEqualTo(new JsonObject().put("at", "2026-12-05T10:00:00Z")
        .put("queued", 3L).put("oldest_queued_age_ms", 1200L));
    assertThat(samples.getJsonObject(1)).isEqualTo(new JsonObject().put("at", "2026-12-05T10:00:00Z")
        .put("error", "DB_CIRCUIT_OPEN"));
  }

  @Test
  void aSlowAnswerIsNotPiledUpOn() {
    List<Promise<JsonObject>> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    QueueHistory history = new QueueHistory(clock, 20, 10_000);
    history.start(vertx, () -> {
      Promise<JsonObject> p = Promise.promise();
      asked.add(p);
      return p.future();
    });
    // many intervals pass while the first request is unanswered: no second one is sent
    await().atMost(5, TimeUnit.SECONDS).until(() -> history.skipped() >= 5);
    assertThat(asked).hasSize(1);
    asked.get(0).complete(new JsonObject().put("queued", 0L));
    await().atMost(5, TimeUnit.SECONDS).until(() -> asked.size() >= 2);
    history.stop();
    assertThat(history.toJson().getJsonArray("samples").getJsonObject(0).getLong("queued")).isZero();
  }

  @Test
  void refusesAnIntervalLongerThanTheWindow() {
    assertThatThrownBy(() -> new QueueHistory(clock, 10_000, 1_000)).isInstanceOf(IllegalArgumentException.class);
  }
}
