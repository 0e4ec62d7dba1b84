package dev.reach.hub;

import dev.reach.shared.error.ReachException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a {@link ReachException} as the one error contract {@code {"error": {...}}} with its
 * code's HTTP status; retryable errors also carry {@code Retry-After} (whole seconds, rounded up).
 */
final class ErrorResponses {
  private ErrorResponses() {}

  static void send(HttpServerResponse response, ReachException e) {
    response.setStatusCode(e.code().httpStatus())
        .putHeader(HttpHeaders.CONTENT_TYPE, JsonResponses.CONTENT_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    if (e.retryable() && e.retryAfterMs() >= 0) {
      response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds(e.retryAfterMs())));
    }
    response.end(e.toBody().toBuffer());
  }

  static long retryAfterSeconds(long ms) {
    return (ms + 999) / 1000;
  }
}
