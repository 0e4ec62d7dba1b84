package dev.reach.hub;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A response body read as it streams in, with futures for "contains this text" and "ended". */
final class StreamedBody {
  final HttpClientResponse response;
  private final StringBuilder text = new StringBuilder();
  private final Promise<String> ended = Promise.promise();
  private final List<Waiter> waiters = new ArrayList<>();

  private record Waiter(String expected, Promise<Void> promise) {}

  private StreamedBody(HttpClientResponse response) {
    this.response = response;
    response.handler(this::onData);
    response.endHandler(v -> ended.tryComplete(text()));
    response.exceptionHandler(ended::tryFail);
  }

  static Future<StreamedBody> open(HubFixture f, String uri) {
    return open(f, uri, b -> b);
  }

  /**
   * Opens {@code uri} and hands the body, as the headers arrive and before any of it is read, to
   * {@code setUp} (on the event loop), the place for anything that must be in effect from the first
   * byte on, such as pausing the response or taking over its handler.
   */
  static <T> Future<T> open(HubFixture f, String uri, Function<StreamedBody, T> setUp) {
    return f.open(uri, response -> setUp.apply(new StreamedBody(response)));
  }

  private synchronized void onData(Buffer b) {
    text.append(b.toString(StandardCharsets.UTF_8));
    waiters.removeIf(w -> {
      if (text.indexOf(w.expected) >= 0) {
        w.promise.complete();
        return true;
      }
      return false;
    });
  }

  synchronized Future<Void> contains(String expected) {
    Promise<Void> p = Promise.promise();
    if (text.indexOf(expected) >= 0) {
      p.complete();
    } else {
      waiters.add(new Waiter(expected, p));
    }
    return p.future();
  }

  /** The whole body once the response ended; fails if the connection broke first. */
  Future<String> ended() {
    return ended.future();
  }

  synchronized String text() {
    return text.toString();
  }
}
