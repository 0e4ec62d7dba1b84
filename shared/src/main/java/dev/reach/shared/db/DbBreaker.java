package dev.reach.shared.db;

import dev.reach.shared.breaker.BreakerEvents;
import dev.reach.shared.breaker.BreakerSnapshot;
import dev.reach.shared.breaker.BreakerState;
import dev.reach.shared.breaker.BreakerTransition;
import dev.reach.shared.breaker.PersistentBreaker;
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
import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The circuit breaker in front of the database. Only failures that mean "the database cannot be
 * reached" count (connection errors, timeouts, a server shutting down) — a refused transition or a
 * constraint violation is an answer, not an outage, and an exhausted pool is load. After
 * {@code REACH_DB_BREAKER_FAILURES} such failures in a row it opens: calls fail at once with
 * {@code DB_CIRCUIT_OPEN} for {@code REACH_DB_BREAKER_RESET_MS}, then one half-open probe decides.
 * A statement not answered within the statement timeout plus a second ({@link Db} times it, apart
 * from the wait for a pooled connection) counts as a failure, so a frozen server is down even though
 * no connection error arrives.
 *
 * <p>Vert.x's breaker runs its open/half-open/close handlers inside its own lock, so they only
 * note the change; the log line and the listeners are handed to {@link BreakerEvents} and run after
 * it, in order, on no caller's thread.
 *
 * <p>Its state outlives the process ({@link dev.reach.shared.breaker.BreakerStateFile}, in the
 * service's state directory: the database is the dependency this breaker is about, so it cannot be
 * the store). A breaker saved open or half-open comes back open: no database call for one reset
 * time, then one half-open probe. A service starts by migrating through it ({@link Migrator#migrateAtStart}),
 * so a service restarting, or crash-looping, into a database that is still down waits out the reset
 * time before each probe instead of opening new connections at once. Vert.x's breaker counts a
 * closed breaker's failures in a rolling window and offers no way to set them: a closed one is
 * saved with its count but starts from none.
 */
public final class DbBreaker implements PersistentBreaker {
  /** Its name in the {@link dev.reach.shared.breaker.Breakers} registry, {@code reach_breaker_state} and {@code breaker_open.database}. */
  public static final String NAME = "database";
  private static final Logger LOG = Logger.getLogger(DbBreaker.class.getName());

  private final CircuitBreaker breaker;
  private final int maxFailures;
  private final long resetMs;
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong openedAtMs = new AtomicLong(-1);
  private final CopyOnWriteArrayList<Consumer<CircuitBreakerState>> listeners = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Runnable> savers = new CopyOnWriteArrayList<>();
  private BreakerState last = BreakerState.CLOSED; // written only inside Vert.x's breaker lock
  /** The reason of the next opening when it is a restore rather than failures (set and read inside the lock). */
  private String restoreReason;

  DbBreaker(Vertx vertx, ReachConfig cfg) {
    this.maxFailures = cfg.dbBreakerFailures();
    this.resetMs = cfg.dbBreakerResetMs();
    CircuitBreakerOptions options = new CircuitBreakerOptions()
        .setMaxFailures(cfg.dbBreakerFailures())
        .setTimeout(-1) // Db times the statement itself, not the wait for a connection
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
    if (notAnswered(t)) {
      // a frozen server may still commit the write when it resumes: the outcome is unknown
      return new ReachException(ErrorCode.DB_UNAVAILABLE, "database did not answer in time, retry later"
          + " (a write may still commit when it does: retry it with the same Idempotency-Key)", null, 2_000, t);
    }
    return DbErrors.classify(t);
  }

  /** Whether a call's outcome counts as the database being down: never an answer, never pool exhaustion. */
  static boolean isOutage(Future<?> f) {
    if (f.succeeded()) {
      return false;
    }
    Throwable t = f.cause();
    return notAnswered(t) || DbErrors.classify(t).code() == ErrorCode.DB_UNAVAILABLE;
  }

  /**
   * Runs {@code command} through the breaker like {@link #call}, but fails with the command's own
   * error: only a refusal of the open breaker becomes {@code DB_CIRCUIT_OPEN}. For start-up, whose
   * log wants the real cause of a failed migration.
   */
  public <T> Future<T> callUnclassified(Supplier<Future<T>> command) {
    return breaker.<T>execute(() -> command.get())
        .recover(t -> Future.failedFuture(t instanceof OpenCircuitException ? classify(t) : t));
  }

  /** A statement timed out by {@link Db} (or by a breaker timeout, should one be set). */
  private static boolean notAnswered(Throwable t) {
    return t instanceof java.util.concurrent.TimeoutException || t instanceof TimeoutException;
  }

  /** Runs inside Vert.x's breaker lock: notes the change, hands the log line and listeners off. */
  private void changed(CircuitBreakerState state) {
    long now = System.currentTimeMillis();
    BreakerState to = BreakerState.valueOf(state.name());
    BreakerState from = last;
    if (from == to) {
      return; // a reset of a closed breaker: nothing changed
    }
    last = to;
    String reason;
    if (state == CircuitBreakerState.OPEN) {
      opened.incrementAndGet();
      openedAtMs.compareAndSet(-1, now); // since when the database is down, across half-open probes
      reason = restoreReason != null ? restoreReason
          : "after " + breaker.failureCount() + " consecutive failures; statements answer DB_CIRCUIT_OPEN,"
              + " probing again in " + resetMs + " ms";
      restoreReason = null;
    } else if (state == CircuitBreakerState.CLOSED) {
      openedAtMs.set(-1);
      reason = "the database answers again";
    } else {
      reason = "probing the database";
    }
    BreakerTransition t = new BreakerTransition(NAME, from, to, now, reason);
    BreakerEvents.post(() -> {
      LOG.log(to == BreakerState.OPEN ? Level.WARNING : Level.INFO, t.toString());
      listeners.forEach(l -> l.accept(state));
      savers.forEach(Runnable::run);
    });
  }

  @Override
  public void onStateSaved(Runnable saver) {
    savers.add(saver);
  }

  @Override
  public BreakerSnapshot snapshot() {
    synchronized (breaker) { // Vert.x's breaker lock: state, count and opening time of one moment
      return new BreakerSnapshot(NAME, state(), (int) Math.min(Integer.MAX_VALUE, breaker.failureCount()),
          openedAtMs.get(), opened.get());
    }
  }

  /**
   * A breaker saved open or half-open comes back open, since the time it first opened: no call for
   * one reset time from now, then the half-open probe. A closed one is taken as it is (see the class
   * comment). Ignored once the breaker has moved.
   */
  @Override
  public void restore(BreakerSnapshot saved) {
    synchronized (breaker) {
      if (saved.state() == BreakerState.CLOSED || last != BreakerState.CLOSED || opened.get() != 0) {
        return;
      }
      restoreReason = "restored as saved before the restart (" + saved.state() + " since "
          + Instant.ofEpochMilli(saved.openedAtMs()) + "): no database call for " + resetMs + " ms, then one probe";
      breaker.open();
      opened.set(saved.timesOpened());
      openedAtMs.set(Math.min(saved.openedAtMs(), System.currentTimeMillis()));
    }
  }

  /** Called after every state change, in order, on the breaker events thread (never inside the breaker's lock). */
  public void onChange(Consumer<CircuitBreakerState> listener) {
    listeners.add(listener);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public BreakerState state() {
    return BreakerState.valueOf(breaker.state().name());
  }

  public boolean isClosed() {
    return breaker.state() == CircuitBreakerState.CLOSED;
  }

  /** For health payloads: the {@link Breaker#describe()} fields, plus {@code open_since_ms} (same as {@code opened_at_ms}). */
  @Override
  public JsonObject describe() {
    Long openedAt = openedAtMs.get() < 0 ? null : openedAtMs.get();
    return new JsonObject()
        .put("name", NAME)
        .put("state", breaker.state().name())
        .put("failure_count", breaker.failureCount())
        .put("failure_threshold", maxFailures)
        .put("success_threshold", 1)
        .put("reset_ms", resetMs)
        .put("opened_at_ms", openedAt)
        .put("open_since_ms", openedAt)
        .put("times_opened", opened.get());
  }

  void close() {
    breaker.close();
  }
}
