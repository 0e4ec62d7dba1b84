package dev.reach.shared.breaker;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A circuit breaker in front of one dependency (the orchestrator or the artifact store as the hub
 * sees them), with the states and moves of {@link BreakerState}: {@code failuresToOpen} calls in a
 * row the dependency did not answer open it; while open, calls fail at once with {@code openCode}
 * and the time left as retry hint; the first call after {@code resetMs} moves it to half-open, where
 * {@code successesToClose} trial calls in a row close it and one failure opens it again.
 *
 * <p>Which failures count is the caller's {@code countsAsFailure}: an error the dependency answered
 * (a refused request, a conflict) is an answer, not an outage. A call's outcome counts only in the
 * state it started in: an answer that arrives after the breaker moved on is ignored.
 *
 * <p>Time comes from the injected {@link Clock}. State changes happen under a private lock; the log
 * line and the listeners follow through {@link BreakerEvents}, in order, after the lock is released
 * and on no caller's thread.
 */
public final class DependencyBreaker implements PersistentBreaker {
  private static final Logger LOG = Logger.getLogger(DependencyBreaker.class.getName());
  /** Retry hint of a call refused in half-open because the trial calls are already out. */
  static final long HALF_OPEN_RETRY_MS = 1_000;

  private final String name;
  private final BreakerSettings settings;
  private final Clock clock;
  private final ErrorCode openCode;
  private final Predicate<Throwable> countsAsFailure;
  private final List<Consumer<BreakerTransition>> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> savers = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();

  // guarded by lock
  private BreakerState state = BreakerState.CLOSED;
  private long generation;
  private int failures;
  private int successes;
  private int trials;
  private long openedAtMs = -1;
  private long timesOpened;

  public DependencyBreaker(String name, BreakerSettings settings, Clock clock, ErrorCode openCode,
      Predicate<Throwable> countsAsFailure) {
    this.name = name;
    this.settings = settings;
    this.clock = clock;
    this.openCode = openCode;
    this.countsAsFailure = countsAsFailure;
  }

  /** Runs {@code command} through the breaker, or fails at once with {@code openCode} while it is open. */
  public <T> Future<T> call(Supplier<Future<T>> command) {
    Permit permit;
    try {
      permit = acquire();
    } catch (ReachException e) {
      return Future.failedFuture(e);
    }
    Future<T> f;
    try {
      f = command.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.andThen(ar -> permit.done(ar.failed() ? ar.cause() : null));
  }

  /**
   * Admits one call, for callers outside Vert.x: report its outcome with {@link Permit#done}.
   *
   * @throws ReachException with {@code openCode} while the breaker is open (or its trials are out)
   */
  public Permit acquire() {
    synchronized (lock) {
      long now = clock.millis();
      if (state == BreakerState.OPEN) {
        long left = openedAtMs + settings.resetMs() - now;
        if (left > 0) {
          throw refused(left);
        }
        moveTo(BreakerState.HALF_OPEN, now, "reset time of " + settings.resetMs() + " ms passed; trying the dependency");
      }
      if (state == BreakerState.HALF_OPEN) {
        if (trials >= settings.successesToClose()) {
          throw refused(HALF_OPEN_RETRY_MS);
        }
        trials++;
      }
      return new Permit(generation);
    }
  }

  /** Admission to one call; {@link #done} once with its outcome. */
  public final class Permit {
    private final long admittedIn;

    private Permit(long admittedIn) {
      this.admittedIn = admittedIn;
    }

    /** {@code failure} null for a success (or an answered error that does not count). */
    public void done(Throwable failure) {
      record(admittedIn, failure != null && countsAsFailure.test(failure));
    }
  }

  private void record(long admittedIn, boolean failed) {
    synchronized (lock) {
      if (admittedIn != generation) {
        return; // the breaker moved on while the call was out
      }
      long now = clock.millis();
      if (state == BreakerState.CLOSED) {
        int before = failures;
        if (!failed) {
          failures = 0;
        } else if (++failures >= settings.failuresToOpen()) {
          moveTo(BreakerState.OPEN, now, failures + " consecutive failures; calls fail fast for " + settings.resetMs() + " ms");
        }
        if (failures != before && state == BreakerState.CLOSED) {
          BreakerEvents.post(this::stateChanged);
        }
      } else if (state == BreakerState.HALF_OPEN) {
        if (failed) {
          failures++;
          moveTo(BreakerState.OPEN, now, "a trial call failed; calls fail fast for " + settings.resetMs() + " ms");
        } else if (++successes >= settings.successesToClose()) {
          moveTo(BreakerState.CLOSED, now, successes + " trial calls succeeded");
        }
      }
    }
  }

  /** Under the lock: changes the state, then posts the log line and listeners for after it. */
  private void moveTo(BreakerState next, long now, String reason) {
    BreakerState from = state;
    BreakerState.check(from, next);
    state = next;
    generation++;
    trials = 0;
    successes = 0;
    if (next == BreakerState.OPEN) {
      openedAtMs = now;
      timesOpened++;
    } else if (next == BreakerState.CLOSED) {
      openedAtMs = -1;
      failures = 0;
    }
    BreakerTransition t = new BreakerTransition(name, from, next, now, reason);
    BreakerEvents.post(() -> announce(t));
    BreakerEvents.post(this::stateChanged);
  }

  private void stateChanged() {
    savers.forEach(Runnable::run);
  }

  @Override
  public void onStateSaved(Runnable saver) {
    savers.add(saver);
  }

  @Override
  public BreakerSnapshot snapshot() {
    synchronized (lock) {
      return new BreakerSnapshot(name, state, failures, openedAtMs, timesOpened);
    }
  }

  /**
   * Takes up a saved state, before the breaker's first call. An open (or half-open) one comes back
   * open since the time it opened: if its reset time has passed by now, the first call is the single
   * half-open trial, otherwise calls fail fast for the rest of it. A closed one keeps its failure
   * count (under the threshold). Ignored once the breaker has moved.
   */
  @Override
  public void restore(BreakerSnapshot saved) {
    synchronized (lock) {
      if (generation != 0 || state != BreakerState.CLOSED || failures != 0) {
        return;
      }
      timesOpened = saved.timesOpened();
      if (saved.state() == BreakerState.CLOSED) {
        failures = Math.min(Math.max(saved.failures(), 0), settings.failuresToOpen() - 1);
        return;
      }
      failures = saved.failures();
      long now = clock.millis();
      moveTo(BreakerState.OPEN, now, "restored as saved before the restart (" + saved.state() + " since "
          + java.time.Instant.ofEpochMilli(saved.openedAtMs()) + ")");
      openedAtMs = Math.min(saved.openedAtMs(), now);
      timesOpened = saved.timesOpened();
    }
  }

  private void announce(BreakerTransition t) {
    LOG.log(t.to() == BreakerState.OPEN ? Level.WARNING : Level.INFO, t.toString());
    for (Consumer<BreakerTransition> l : listeners) {
      l.accept(t);
    }
  }

  private ReachException refused(long retryAfterMs) {
    return new ReachException(openCode, name + " circuit breaker is " + state + ", retry later", null, retryAfterMs, null);
  }

  /** Called after every state change, in order, on the breaker events thread (never under the lock). */
  public void onChange(Consumer<BreakerTransition> listener) {
    listeners.add(listener);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public BreakerState state() {
    synchronized (lock) {
      return state;
    }
  }

  public BreakerSettings settings() {
    return settings;
  }

  @Override
  public JsonObject describe() {
    synchronized (lock) {
      return new JsonObject()
          .put("name", name)
          .put("state", state.name())
          .put("failure_count", failures)
          .put("failure_threshold", settings.failuresToOpen())
          .put("success_threshold", settings.successesToClose())
          .put("reset_ms", settings.resetMs())
          .put("opened_at_ms", openedAtMs < 0 ? null : openedAtMs)
          .put("times_opened", timesOpened);
    }
  }
}
