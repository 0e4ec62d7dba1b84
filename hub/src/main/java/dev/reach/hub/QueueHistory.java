package dev.reach.hub;

import dev.reach.shared.error.BusErrors;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * The queue's depth and oldest queued age over the last hour, for the dashboard's chart: the hub asks
 * the orchestrator for its figures every {@link #DEFAULT_INTERVAL_MS} and keeps the answers in a bounded
 * ring in memory ({@code window / interval} samples, 240 by default). A figure that could not be had is
 * kept as a sample with its error code, so an outage shows as a gap with a reason, not as a zero.
 *
 * <p>Why memory and not the database: these figures are derived (the database already holds the truth;
 * {@code /metrics} exports the same gauges for a real time-series store), an hour of them is a few
 * kilobytes, and a chart that must still draw while the database is down cannot depend on it. The price:
 * a restarted hub starts with an empty chart, and each hub keeps its own samples.
 *
 * <p>Sampling runs on one event loop (a periodic timer and a bus request with its timeout): nothing blocks,
 * at most one request is in flight, and reads copy under the same lock the writes take.
 */
final class QueueHistory {
  static final long DEFAULT_INTERVAL_MS = 15_000;
  static final long DEFAULT_WINDOW_MS = 3_600_000;

  private final Clock clock;
  private final long intervalMs;
  private final long windowMs;
  private final int capacity;
  private final Deque<JsonObject> samples = new ArrayDeque<>();
  private Vertx vertx;
  private long timer = -1;
  private boolean inFlight;
  private long skipped;

  QueueHistory(Clock clock, long intervalMs, long windowMs) {
    if (intervalMs <= 0 || windowMs < intervalMs) {
      throw new IllegalArgumentException("interval " + intervalMs + " ms must be positive and at most the window " + windowMs + " ms");
    }
    this.clock = clock;
    this.intervalMs = intervalMs;
    this.windowMs = windowMs;
    this.capacity = (int) (windowMs / intervalMs);
  }

  /** Samples {@code figures} now and every interval until {@link #stop()}. */
  synchronized QueueHistory start(Vertx vertx, Supplier<io.vertx.core.Future<JsonObject>> figures) {
    this.vertx = vertx;
    sample(figures);
    timer = vertx.setPeriodic(intervalMs, id -> sample(figures));
    return this;
  }

  synchronized void stop() {
    if (vertx != null && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void sample(Supplier<io.vertx.core.Future<JsonObject>> figures) {
    synchronized (this) {
      if (inFlight) {
        skipped++;
        return; // the last request has not been answered yet (its own timeout ends it): never pile up
      }
      inFlight = true;
    }
    figures.get().onComplete(ar -> {
      JsonObject s = new JsonObject().put("at", clock.instant().toString());
      if (ar.succeeded()) {
        s.put("queued", ar.result().getLong("queued")).put("oldest_queued_age_ms", ar.result().getLong("oldest_queued_age_ms"));
      } else {
        s.put("error", BusErrors.classify(ar.cause()).code().name());
      }
      synchronized (this) {
        inFlight = false;
        record(s);
      }
    });
  }

  /** Ticks that found the last request still unanswered (for tests). */
  synchronized long skipped() {
    return skipped;
  }

  /** Adds one sample, dropping the oldest beyond the window. */
  synchronized void record(JsonObject sample) {
    samples.addLast(sample);
    while (samples.size() > capacity) {
      samples.removeFirst();
    }
  }

  /** {@code {"interval_ms", "window_ms", "samples": [{"at", "queued", "oldest_queued_age_ms"} or {"at", "error"}]}}, oldest first. */
  synchronized JsonObject toJson() {
    JsonArray list = new JsonArray();
    samples.forEach(s -> list.add(s.copy()));
    return new JsonObject().put("interval_ms", intervalMs).put("window_ms", windowMs).put("samples", list);
  }
}
