package dev.reach.cli;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking waits on Vert.x futures for the CLI's own (non-Vert.x) threads. */
final class Futures {
  private Futures() {}

  /** The future's result, or a {@link StepFailedException} naming {@code what} on failure or timeout. */
  static <T> T await(Future<T> future, Duration timeout, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StepFailedException(what + ": " + describe(cause), cause);
    } catch (TimeoutException e) {
      throw new StepFailedException(what + ": no answer within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepFailedException(what + ": interrupted", e);
    }
  }

  /** A one-line description of a failure and its causes, without stack traces. */
  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    Throwable cur = t;
    int depth = 0;
    while (cur != null && depth < 5) {
      String msg = cur.getMessage();
      String text = msg == null || msg.isBlank() ? cur.getClass().getSimpleName() : msg.strip();
      if (sb.indexOf(text) < 0) {
        if (sb.length() > 0) {
          sb.append(": ");
        }
        sb.append(text);
      }
      cur = cur.getCause() == cur ? null : cur.getCause();
      depth++;
    }
    return sb.toString();
  }

  /** A start or stop step that failed; its message already names the step and the cause. */
  static final class StepFailedException extends RuntimeException {
    StepFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
