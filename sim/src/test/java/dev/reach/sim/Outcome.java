package dev.reach.sim;

import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A reply as the caller sees it: a value, or a failure in the error contract. Store calls are made
 * synchronously ({@link #of}): the simulation's one thread waits for each statement, so statements
 * run one at a time in the order the schedule says.
 */
record Outcome<T>(T value, ReachException error) {
  static <T> Outcome<T> ok(T value) {
    return new Outcome<>(value, null);
  }

  static <T> Outcome<T> fail(ReachException e) {
    return new Outcome<>(null, e);
  }

  static <T> Outcome<T> fail(ErrorCode code, String message) {
    return fail(new ReachException(code, message));
  }

  /** Calls a real store method and waits for it; a synchronous throw counts as a failed call. */
  static <T> Outcome<T> of(Supplier<Future<T>> call) {
    try {
      return ok(call.get().await());
    } catch (Throwable t) {
      return fail(BusErrors.classify(t));
    }
  }

  boolean ok() {
    return error == null;
  }

  ErrorCode code() {
    return error == null ? null : error.code();
  }

  <U> Outcome<U> map(Function<T, U> f) {
    return ok() ? ok(f.apply(value)) : fail(error);
  }

  @Override
  public String toString() {
    return ok() ? "ok " + value : error.code().name();
  }
}
