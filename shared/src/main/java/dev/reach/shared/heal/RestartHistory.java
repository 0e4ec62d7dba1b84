package dev.reach.shared.heal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last {@code capacity} restart attempts of this JVM's components, and the churn they add up
 * to: how many restarts within {@code window}, and whether that reaches {@code threshold}.
 * Thread-safe.
 */
public final class RestartHistory {
  private final Clock clock;
  private final int capacity;
  private final Duration window;
  private final int threshold;
  private final Deque<RestartRecord> records = new ArrayDeque<>();

  public RestartHistory(Clock clock, int capacity, Duration window, int threshold) {
    this.clock = clock;
    this.capacity = capacity;
    this.window = window;
    this.threshold = threshold;
  }

  public synchronized void add(RestartRecord r) {
    records.addLast(r);
    while (records.size() > capacity) {
      records.removeFirst();
    }
  }

  /** Restarts that actually happened (not refused or skipped) within the window. */
  public synchronized int restartsInWindow() {
    Instant since = clock.instant().minus(window);
    int n = 0;
    for (RestartRecord r : records) {
      if (r.at().isAfter(since) && r.outcome().startsWith("restarted")) {
        n++;
      }
    }
    return n;
  }

  public boolean churnExceeded() {
    return restartsInWindow() >= threshold;
  }

  /** The churn summary: window, threshold, restarts in it, exceeded, and the bounded history (newest last). */
  public synchronized JsonObject summary() {
    JsonArray recent = new JsonArray();
    records.forEach(r -> recent.add(r.toJson()));
    int inWindow = restartsInWindow();
    return new JsonObject()
        .put("window_seconds", window.toSeconds())
        .put("threshold", threshold)
        .put("restarts_in_window", inWindow)
        .put("churn_exceeded", inWindow >= threshold)
        .put("history_capacity", capacity)
        .put("history", recent);
  }
}
