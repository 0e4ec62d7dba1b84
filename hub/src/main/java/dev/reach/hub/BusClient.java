package dev.reach.hub;

import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * Request/reply over the event bus to one kind of service, always with a timeout. Every failure
 * comes back as a {@link ReachException}: no handler or a timeout as retryable unavailability
 * ({@code unavailable}), a remote failure as the error the remote side sent.
 */
final class BusClient {
  private final Vertx vertx;
  private final long timeoutMs;
  private final ErrorCode unavailable;

  BusClient(Vertx vertx, long timeoutMs, ErrorCode unavailable) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.unavailable = unavailable;
  }

  Future<JsonObject> request(String address, JsonObject body) {
    return request(address, body, timeoutMs);
  }

  Future<JsonObject> request(String address, JsonObject body, long sendTimeoutMs) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(sendTimeoutMs);
    return vertx.eventBus().request(address, body, options).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(classify(ar.cause()));
      }
      if (ar.result().body() instanceof JsonObject reply) {
        return Future.succeededFuture(reply);
      }
      return Future.failedFuture(new ReachException(ErrorCode.INTERNAL, "malformed reply from " + address));
    });
  }

  private ReachException classify(Throwable t) {
    if (t instanceof ReachException re) {
      return re;
    }
    if (t instanceof ReplyException rx) {
      return BusErrors.fromReply(rx, unavailable);
    }
    return new ReachException(ErrorCode.INTERNAL, "internal error", null, -1, t);
  }
}
