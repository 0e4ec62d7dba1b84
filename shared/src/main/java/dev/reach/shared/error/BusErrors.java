package dev.reach.shared.error;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries {@link ReachException}s across the event bus: handlers fail with the HTTP status as
 * failure code and the error object as JSON text; callers turn any failure back into a
 * ReachException (no handler / timeout become retryable unavailability).
 */
public final class BusErrors {
  private static final Logger LOG = Logger.getLogger(BusErrors.class.getName());

  private BusErrors() {}

  /** Replies to {@code msg} with the failure, classified into the error contract. */
  public static void fail(Message<?> msg, Throwable t) {
    ReachException e = classify(t);
    if (e.code() == ErrorCode.INTERNAL) {
      LOG.log(Level.WARNING, "internal error handling " + msg.address(), t);
    }
    msg.fail(e.code().httpStatus(), e.toJson().encode());
  }

  /** Any throwable as a ReachException: database failures by SQL state, bus failures by type. */
  public static ReachException classify(Throwable t) {
    if (t instanceof ReachException re) {
      return re;
    }
    if (t instanceof ReplyException rx) {
      return fromReply(rx, ErrorCode.ORCHESTRATOR_UNAVAILABLE);
    }
    return new ReachException(ErrorCode.INTERNAL, "internal error: " + t.getClass().getSimpleName(), null, -1, t);
  }

  /** A reply failure as a ReachException; {@code unavailable} names who could not be reached. */
  public static ReachException fromReply(ReplyException rx, ErrorCode unavailable) {
    if (rx.failureType() == ReplyFailure.NO_HANDLERS) {
      return new ReachException(unavailable, "no " + describe(unavailable) + " is reachable on the cluster");
    }
    if (rx.failureType() == ReplyFailure.TIMEOUT) {
      return new ReachException(ErrorCode.TIMEOUT, describe(unavailable) + " did not answer in time");
    }
    String text = rx.getMessage();
    if (text != null && text.startsWith("{")) {
      try {
        return ReachException.fromJson(new JsonObject(text));
      } catch (DecodeException ignored) {
        // fall through
      }
    }
    return new ReachException(ErrorCode.INTERNAL, "remote failure: " + text);
  }

  private static String describe(ErrorCode code) {
    return switch (code) {
      case ARTIFACT_STORE_UNAVAILABLE -> "artifact store";
      default -> "orchestrator";
    };
  }
}
