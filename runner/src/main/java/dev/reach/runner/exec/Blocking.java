package dev.reach.runner.exec;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs blocking work (file I/O, {@code /proc}, waiting for a process group) on one of the
 * runner's own thread pools and delivers the result back on the runner's context, so the event
 * loop never blocks and the Vert.x worker pool is never held by a slow wait.
 */
public final class Blocking {
  private Blocking() {}

  public static <T> Future<T> on(ExecutorService pool, Context context, Callable<T> work) {
    Promise<T> p = Promise.promise();
    try {
      pool.execute(() -> {
        T value;
        try {
          value = work.call();
        } catch (Throwable t) {
          context.runOnContext(v -> p.fail(t));
          return;
        }
        context.runOnContext(v -> p.complete(value));
      });
    } catch (RejectedExecutionException e) {
      p.fail(e);
    }
    return p.future();
  }
}
