package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers a request the HTTP decoder could not read (a request line or headers over the decoder's
 * limits, a malformed request) in the error contract too, instead of the server's bare default: {@code
 * 414 URI_TOO_LONG}, {@code 431 HEADERS_TOO_LARGE} or {@code 400 INVALID_REQUEST}; then the connection
 * is closed, as the decoder's state is unknown.
 */
final class InvalidRequests {
  private InvalidRequests() {}

  static void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    String kind = cause == null ? "" : cause.getClass().getSimpleName();
    ReachException e = switch (kind) {
      case "TooLongHttpLineException" -> new ReachException(ErrorCode.URI_TOO_LONG,
          "the request line is longer than the server accepts");
      case "TooLongHttpHeaderException" -> new ReachException(ErrorCode.HEADERS_TOO_LARGE,
          "the request headers are larger than the server accepts");
      default -> new ReachException(ErrorCode.INVALID_REQUEST, "malformed HTTP request");
    };
    request.response().putHeader("Connection", "close");
    request.response().endHandler(v -> request.connection().close());
    ErrorResponses.send(request.response(), e);
  }
}
