package dev.reach.artifacts;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Runs asynchronous operations one after the other: each starts when the previous one has
 * completed, whatever its outcome. Used from one event loop only.
 */
final class Serial {
  private Future<Void> tail = Future.succeededFuture();

  <T> Future<T> submit(Supplier<Future<T>> op) {
    Future<T> result = tail.transform(ignored -> {
      try {
        return op.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
    tail = result.transform(ignored -> Future.succeededFuture());
    return result;
  }
}
