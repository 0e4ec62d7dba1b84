package dev.reach.artifacts;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * JSON answers, and every failure as the one error body {@code {"error": {...}}} with its code's
 * status; retryable failures (database down, disk error, shutting down) also carry {@code Retry-After}.
 */
final class HttpReplies {
  private static final Logger LOG = Logger.getLogger(HttpReplies.class.getName());
  static final String JSON = "application/json";

  private HttpReplies() {}

  static void json(HttpServerResponse resp, JsonObject body) {
    if (resp.ended()) {
      return;
    }
    resp.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body.encode());
  }

  static void error(HttpServerResponse resp, Throwable t) {
    ReachException e = StoreErrors.classify(t);
    if (e.code() == ErrorCode.INTERNAL || e.code() == ErrorCode.ARTIFACT_STORE_UNAVAILABLE) {
      LOG.log(Level.WARNING, "request failed: " + e.getMessage(), t);
    }
    if (resp.ended()) {
      return;
    }
    if (resp.headWritten()) {
      resp.reset(); // a download broke after its headers: the client must see a broken response
      return;
    }
    JsonObject body = e.toBody();
    if (e instanceof LogOffsetMismatchException m) {
      body.put("size", m.size());
    }
    resp.setStatusCode(e.code().httpStatus()).putHeader(HttpHeaders.CONTENT_TYPE, JSON);
    if (e.retryable() && e.retryAfterMs() >= 0) {
      resp.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(e.retryAfterMs())));
    }
    resp.end(body.encode());
  }

  /** {@code Retry-After} is in whole seconds: rounded up, so a client never comes back too early. */
  static long retryAfterSeconds(long ms) {
    return (ms + 999) / 1000;
  }

  /** Failures inside routes and unmatched requests (404, 405, body too large, ...) answer in the contract too. */
  static void mountFailures(Router router) {
    router.route().failureHandler(ctx -> error(ctx.response(), failure(ctx)));
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, ctx -> error(ctx.response(), failure(ctx)));
    }
  }

  private static Throwable failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    if (t instanceof ReachException) {
      return t;
    }
    ErrorCode code = switch (ctx.statusCode()) {
      case 400 -> ErrorCode.INVALID_REQUEST;
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      default -> null;
    };
    if (code == null) {
      return t == null ? new ReachException(ErrorCode.INTERNAL, "internal error") : t;
    }
    String message = switch (code) {
      case NOT_FOUND -> "no such resource: " + ctx.request().method() + " " + ctx.request().path();
      case METHOD_NOT_ALLOWED -> ctx.request().method() + " is not allowed on " + ctx.request().path();
      case PAYLOAD_TOO_LARGE -> "request body is larger than the limit (REACH_MAX_BODY_BYTES)";
      default -> code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    };
    return new ReachException(code, message);
  }
}
