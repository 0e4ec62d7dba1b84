package dev.reach.hub;

import dev.reach.shared.breaker.BreakerSettings;
import dev.reach.shared.breaker.DependencyBreaker;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Clock;

/**
 * Request/reply over the event bus to one kind of service, always with a timeout, through the
 * service's {@link DependencyBreaker}. Every failure comes back as a {@link ReachException}: no
 * handler or a timeout as retryable unavailability ({@code unavailable}), a remote failure as the
 * error the remote side sent, an open breaker as {@code unavailable} with the time left as hint.
 *
 * <p>Only requests the service did not answer count for the breaker (a timeout, a transport error).
 * An error it answered is an answer; "no handlers" is not counted either: the cluster says so at once,
 * so there is no wait to save, and counting it would keep the breaker open for
 * {@code REACH_BREAKER_RESET_MS} after the service registers again (a restart, a failover).
 */
final class BusClient {
  private final Vertx vertx;
  private final long timeoutMs;
  private final ErrorCode unavailable;
  private final DependencyBreaker breaker;

  BusClient(Vertx vertx, long timeoutMs, ErrorCode unavailable, DependencyBreaker breaker) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.unavailable = unavailable;
    this.breaker = breaker;
  }

  /** A breaker for a service the hub reaches over the bus; {@code unavailable} is its code while open. */
  static DependencyBreaker breaker(String name, BreakerSettings settings, Clock clock, ErrorCode unavailable) {
    return new DependencyBreaker(name, settings, clock, unavailable, BusClient::notAnswered);
  }

  static boolean notAnswered(Throwable t) {
    return t instanceof ReplyException rx
        && (rx.failureType() == ReplyFailure.TIMEOUT || rx.failureType() == ReplyFailure.ERROR);
  }

  Future<JsonObject> request(String address, JsonObject body) {
    return request(address, body, timeoutMs);
  }

  Future<JsonObject> request(String address, JsonObject body, long sendTimeoutMs) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(sendTimeoutMs);
    return breaker.call(() -> vertx.eventBus().request(address, body, options)).transform(ar -> {
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
