package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers a request the HTTP decoder could not read (a request line or headers over the decoder's
 * limits, a malformed request) in the error contract too, instead of the server's bare default: {@code
 * 414 URI_TOO_LONG}, {@code 431 HEADERS_TOO_LARGE} or {@code 400 INVALID_REQUEST}, with {@code Connection:
 * close}: the decoder discards whatever else comes on this connection. The server closes it only
 * {@link #LINGER_MS} later — closing at once, with the client's unread request bytes still arriving,
 * resets the connection and the client loses the answer (the fuzz test saw exactly that).
 */
final class InvalidRequests {
  static final long LINGER_MS = 2_000;

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
    ErrorResponses.send(request.response(), e);
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    if (context != null) {
      context.owner().setTimer(LINGER_MS, t -> request.connection().close());
    }
  }
}
