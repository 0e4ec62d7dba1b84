package dev.reach.hub;

import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every failure of the router (a handler's failed future or exception, the body limit, no
 * route, wrong method) into the one error contract. Unexpected failures are logged with their
 * stack trace and answered {@code 500 INTERNAL} with a message that reveals nothing.
 */
final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger(FailureHandler.class.getName());
  private final long maxBodyBytes;

  FailureHandler(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    ReachException e = classify(ctx);
    if (response.headWritten()) {
      // A streamed answer is under way: the status is gone, so cut the stream off visibly.
      LOG.log(Level.INFO, "aborting streamed response to " + ctx.request().method() + " " + ctx.request().path()
          + ": " + e.code() + " " + e.getMessage());
      response.reset();
      return;
    }
    ErrorResponses.send(response, e);
  }

  private ReachException classify(RoutingContext ctx) {
    Throwable t = ctx.failure();
    if (t instanceof ReachException re) {
      if (re.code() == ErrorCode.INTERNAL) {
        logInternal(ctx, re.getCause() != null ? re.getCause() : re);
      }
      return re;
    }
    if (t instanceof ReplyException rx) {
      return BusErrors.fromReply(rx, ErrorCode.ORCHESTRATOR_UNAVAILABLE);
    }
    int status = t instanceof HttpException he ? he.getStatusCode() : ctx.statusCode();
    switch (status) {
      case 400:
        return new ReachException(ErrorCode.INVALID_REQUEST, "malformed request");
      case 404:
        return new ReachException(ErrorCode.NOT_FOUND, "no such resource");
      case 405:
        return new ReachException(ErrorCode.METHOD_NOT_ALLOWED,
            "method " + ctx.request().method() + " is not allowed on this resource");
      case 413:
        return new ReachException(ErrorCode.PAYLOAD_TOO_LARGE, "request body is larger than " + maxBodyBytes + " bytes");
      case 415:
        return new ReachException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "unsupported media type");
      default:
        logInternal(ctx, t);
        return new ReachException(ErrorCode.INTERNAL, "internal error");
    }
  }

  private static void logInternal(RoutingContext ctx, Throwable t) {
    LOG.log(Level.SEVERE, "internal error handling " + ctx.request().method() + " " + ctx.request().path()
        + " (status " + ctx.statusCode() + ")", t);
  }
}
