package dev.reach.shared.db;

import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.error.DbErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The circuit breaker in front of the database. Only failures that mean "the database cannot be
 * reached" count (connection errors, timeouts, a server shutting down) — a refused transition or a
 * constraint violation is an answer, not an outage. After {@code REACH_DB_BREAKER_FAILURES} such
 * failures in a row it opens: calls fail at once with {@code DB_CIRCUIT_OPEN} for
 * {@code REACH_DB_BREAKER_RESET_MS}, then one half-open probe decides. A call the server does not
 * answer within the statement timeout (plus a second for the network) counts as a failure, so a
 * frozen server is down even though no connection error ever arrives.
 */
public final class DbBreaker {
  private static final Logger LOG = Logger.getLogger(DbBreaker.class.getName());
  /** The breaker's name (in {@code reach_breaker_state} and {@code breaker_open.reach-db}). */
  public static final String NAME = "reach-db";

  private final CircuitBreaker breaker;
  private final long resetMs;
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong openedAtMs = new AtomicLong(-1);
  private final CopyOnWriteArrayList<Consumer<CircuitBreakerState>> listeners = new CopyOnWriteArrayList<>();

  DbBreaker(Vertx vertx, ReachConfig cfg) {
    this.resetMs = cfg.dbBreakerResetMs();
    CircuitBreakerOptions options = new CircuitBreakerOptions()
        .setMaxFailures(cfg.dbBreakerFailures())
        .setTimeout(cfg.dbStatementTimeoutMs() + 1_000)
        .setResetTimeout(cfg.dbBreakerResetMs())
        .setFallbackOnFailure(false)
        .setNotificationAddress(null);
    this.breaker = CircuitBreaker.create(NAME, vertx, options)
        .failurePolicy(DbBreaker::isOutage)
        .openHandler(v -> changed(CircuitBreakerState.OPEN))
        .halfOpenHandler(v -> changed(CircuitBreakerState.HALF_OPEN))
        .closeHandler(v -> changed(CircuitBreakerState.CLOSED));
  }

  /** Runs one database call through the breaker; every failure comes back classified. */
  public <T> Future<T> call(Supplier<Future<T>> command) {
    return breaker.<T>execute(() -> command.get())
        .recover(t -> Future.failedFuture(classify(t)));
  }

  private ReachException classify(Throwable t) {
    if (t instanceof OpenCircuitException) {
      return new ReachException(ErrorCode.DB_CIRCUIT_OPEN, "database circuit breaker is open, retry later", null,
          Math.max(500, resetMs), t);
    }
    if (t instanceof TimeoutException) {
      return new ReachException(ErrorCode.DB_UNAVAILABLE, "database did not answer in time, retry later", null, 2_000, t);
    }
    return DbErrors.classify(t);
  }

  private static boolean isOutage(Future<?> f) {
    if (f.succeeded()) {
      return false;
    }
    Throwable t = f.cause();
    if (t instanceof TimeoutException) {
      return true;
    }
    ReachException e = DbErrors.classify(t);
    return e.code() == ErrorCode.DB_UNAVAILABLE;
  }

  private void changed(CircuitBreakerState state) {
    if (state == CircuitBreakerState.OPEN) {
      opened.incrementAndGet();
      openedAtMs.compareAndSet(-1, System.currentTimeMillis());
      LOG.warning("database circuit breaker OPEN after " + breaker.failureCount() + " consecutive failures;"
          + " writes answer DB_CIRCUIT_OPEN, probing again in " + resetMs + " ms");
    } else if (state == CircuitBreakerState.CLOSED) {
      openedAtMs.set(-1);
      LOG.info("database circuit breaker CLOSED: the database answers again");
    } else {
      LOG.info("database circuit breaker HALF_OPEN: probing the database");
    }
    listeners.forEach(l -> l.accept(state));
  }

  /** Called on every state change (on a Vert.x thread). */
  public void onChange(Consumer<CircuitBreakerState> listener) {
    listeners.add(listener);
  }

  public CircuitBreakerState state() {
    return breaker.state();
  }

  public boolean isClosed() {
    return breaker.state() == CircuitBreakerState.CLOSED;
  }

  /** For health payloads: state, failures, times opened, thresholds. */
  public JsonObject describe() {
    return new JsonObject()
        .put("state", breaker.state().name())
        .put("failure_count", breaker.failureCount())
        .put("times_opened", opened.get())
        .put("open_since_ms", openedAtMs.get() < 0 ? null : openedAtMs.get())
        .put("reset_ms", resetMs);
  }

  void close() {
    breaker.close();
  }
}
