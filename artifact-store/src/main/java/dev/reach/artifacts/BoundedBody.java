package dev.reach.artifacts;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a small request body (a log chunk) into memory, refusing more than {@code limit} bytes with
 * {@code PAYLOAD_TOO_LARGE}. The body is taken as raw bytes whatever its content type: nothing is
 * decoded as a form, so log output can never turn into request parameters.
 * Must be called before the request handler returns (no asynchronous step before it).
 */
final class BoundedBody {
  private BoundedBody() {}

  static Future<Buffer> read(HttpServerRequest req, long limit) {
    String declared = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    long length = -1;
    if (declared != null) {
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        length = -1;
      }
    }
    if (length > limit) {
      return Future.failedFuture(tooLarge(limit));
    }
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer(length > 0 ? (int) length : 256);
    boolean[] over = {false};
    req.handler(chunk -> {
      if (over[0]) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        over[0] = true;
        promise.tryFail(tooLarge(limit)); // the rest of the body is read and dropped
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(promise::tryFail);
    req.endHandler(v -> promise.tryComplete(body));
    return promise.future();
  }

  private static ReachException tooLarge(long limit) {
    return new ReachException(ErrorCode.PAYLOAD_TOO_LARGE,
        "request body is larger than the limit of " + limit + " bytes (REACH_MAX_BODY_BYTES)");
  }
}
