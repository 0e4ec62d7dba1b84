package dev.reach.artifacts;

import io.vertx.core.http.HttpServerRequest;

/** What is left of a request body that will not be used: read and dropped, so that an answer can still be sent. */
final class RequestBodies {
  private RequestBodies() {}

  static void discard(HttpServerRequest req) {
    if (req.isEnded()) {
      return;
    }
    req.handler(b -> { });
    req.exceptionHandler(x -> { });
    req.endHandler(v -> { });
    req.resume();
  }
}
