package dev.reach.hub;

import dev.reach.shared.breaker.BreakerSettings;
import dev.reach.shared.breaker.DependencyBreaker;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;

/** Reads attempt logs from the artifact store over the event bus, one bounded slice at a time. */
final class ArtifactStoreClient {
  /** The most a single read asks for; a log is never held in memory beyond one slice. */
  static final int MAX_SLICE_BYTES = 65_536;

  private final BusClient bus;

  private final DependencyBreaker breaker;

  ArtifactStoreClient(Vertx vertx, long timeoutMs, BreakerSettings breakerSettings, Clock clock) {
    this.breaker = BusClient.breaker("hub:artifact-store", breakerSettings, clock, ErrorCode.ARTIFACT_STORE_UNAVAILABLE);
    this.bus = new BusClient(vertx, timeoutMs, ErrorCode.ARTIFACT_STORE_UNAVAILABLE, breaker);
  }

  /** The breaker in front of every request to the artifact store. */
  DependencyBreaker breaker() {
    return breaker;
  }

  Future<LogSlice> readLog(String jobId, int attempt, long offset) {
    JsonObject req = new JsonObject()
        .put("job_id", jobId)
        .put("attempt", attempt)
        .put("offset", offset)
        .put("max_bytes", MAX_SLICE_BYTES);
    return bus.request(Addresses.LOG_READ, req).compose(reply -> {
      try {
        return Future.succeededFuture(LogSlice.fromReply(reply, offset));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
  }
}
