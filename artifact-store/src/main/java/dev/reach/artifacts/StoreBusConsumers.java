package dev.reach.artifacts;

import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.ConsumerSet;
import dev.reach.shared.bus.Fields;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The store's event-bus API: {@code ARTIFACT_ENDPOINT}, {@code LOG_READ}, {@code ARTIFACT_LIST} and the
 * leader's retention requests {@code ARTIFACT_PURGE_RUN} and {@code ARTIFACT_SWEEP}.
 * Every message gets an answer: a malformed one fails with {@code MALFORMED_MESSAGE} naming the field.
 */
final class StoreBusConsumers {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(StoreBusConsumers.class.getName());
  static final long DEFAULT_READ_BYTES = 1024 * 1024;
  static final long MAX_READ_BYTES = 4 * 1024 * 1024;

  private final Vertx vertx;
  private final LogStore logs;
  private final ArtifactListing listing;
  private final String baseUrl;
  private final ConsumerSet consumers;
  private final Retention retention;

  StoreBusConsumers(Vertx vertx, LogStore logs, ArtifactListing listing, Retention retention, String baseUrl) {
    this.retention = retention;
    this.vertx = vertx;
    this.consumers = new ConsumerSet(vertx);
    this.logs = logs;
    this.listing = listing;
    this.baseUrl = baseUrl;
  }

  Future<Void> register() {
    consume(Addresses.ARTIFACT_ENDPOINT, body -> Future.succeededFuture(new JsonObject().put("url", baseUrl)));
    consume(Addresses.LOG_READ, this::logRead);
    consume(Addresses.ARTIFACT_LIST, body -> listing.list(key(body)));
    consume(Addresses.ARTIFACT_PURGE_RUN, this::purgeRun);
    consume(Addresses.ARTIFACT_SWEEP, body -> retention.sweep(Fields.longValue(body, "epoch"))
        .onFailure(t -> LOG.warning("retention sweep refused or failed: " + t.getMessage())));
    // after a healed cluster split the others no longer route to the old registrations
    consumers.reregisterOnMerge(vertx.getOrCreateContext());
    return consumers.ready();
  }

  Future<Void> unregister() {
    return consumers.unregister();
  }

  private void consume(String address, Function<JsonObject, Future<JsonObject>> handler) {
    consumers.add(address, (Message<Object> msg) -> {
      Future<JsonObject> reply;
      try {
        reply = handler.apply(Fields.body(msg.body()));
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onSuccess(msg::reply).onFailure(t -> BusErrors.fail(msg, StoreErrors.classify(t)));
    });
  }

  private Future<JsonObject> logRead(JsonObject body) {
    LogKey key = key(body);
    Long offset = Fields.optLong(body, "offset");
    Long max = Fields.optLong(body, "max_bytes");
    if (offset != null && offset < 0) {
      throw malformed("offset", "field 'offset' must not be negative");
    }
    if (max != null && max < 0) {
      throw malformed("max_bytes", "field 'max_bytes' must not be negative");
    }
    int len = (int) Math.min(max == null ? DEFAULT_READ_BYTES : max, MAX_READ_BYTES);
    return logs.read(key, offset == null ? 0 : offset, len).map(LogSlice::toJson);
  }

  private Future<JsonObject> purgeRun(JsonObject body) {
    UUID runId = Ids.jobId(Fields.string(body, "run_id"));
    if (runId == null) {
      throw malformed("run_id", "field 'run_id' must be a UUID");
    }
    long epoch = Fields.longValue(body, "epoch");
    long retentionMs = Fields.longValue(body, "retention_ms");
    return retention.purgeRun(runId, epoch, retentionMs);
  }

  private static LogKey key(JsonObject body) {
    UUID jobId = Ids.jobId(Fields.string(body, "job_id"));
    if (jobId == null) {
      throw malformed("job_id", "field 'job_id' must be a UUID");
    }
    long attempt = Fields.longValue(body, "attempt");
    if (attempt < 1 || attempt > Integer.MAX_VALUE) {
      throw malformed("attempt", "field 'attempt' must be a positive integer");
    }
    return new LogKey(jobId, (int) attempt);
  }

  private static ReachException malformed(String field, String message) {
    return new ReachException(ErrorCode.MALFORMED_MESSAGE, message, field);
  }
}
