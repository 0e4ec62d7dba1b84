package dev.reach.orchestrator.api;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/** Reports this orchestrator refused as stale (late runners, frozen runners, reports after a restore). */
public final class ProtocolCounters {
  private final AtomicLong staleCompletions = new AtomicLong();
  private final AtomicLong staleStarts = new AtomicLong();
  private final AtomicLong restartsReported = new AtomicLong();

  void staleCompletion() {
    staleCompletions.incrementAndGet();
  }

  void staleStart() {
    staleStarts.incrementAndGet();
  }

  void restartReported() {
    restartsReported.incrementAndGet();
  }

  public long staleCompletions() {
    return staleCompletions.get();
  }

  public JsonObject describe() {
    return new JsonObject()
        .put("stale_completions_refused", staleCompletions.get())
        .put("stale_starts_refused", staleStarts.get())
        .put("runner_restarts_reported", restartsReported.get());
  }
}
