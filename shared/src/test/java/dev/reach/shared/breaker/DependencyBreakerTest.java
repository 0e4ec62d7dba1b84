package dev.reach.shared.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.testing.BlockingLogHandler;
import dev.reach.shared.testing.SettableClock;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Seed 003's "State transition occurs" and "Slow log handler under load" for the dependency breaker. */
class DependencyBreakerTest {
  static final ReachException DOWN = new ReachException(ErrorCode.ORCHESTRATOR_UNAVAILABLE, "no answer");
  static final ReachException ANSWERED = new ReachException(ErrorCode.RUN_NOT_FOUND, "no such run");

  private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<BreakerTransition> transitions = new CopyOnWriteArrayList<>();

  private DependencyBreaker breaker(int failures, int successes, long resetMs) {
    DependencyBreaker b = new DependencyBreaker("orchestrator", new BreakerSettings(failures, successes, resetMs), clock,
        ErrorCode.ORCHESTRATOR_UNAVAILABLE, t -> t instanceof ReachException re && re.code() == ErrorCode.ORCHESTRATOR_UNAVAILABLE);
    b.onChange(transitions::add);
    return b;
  }

  private static void fail(DependencyBreaker b, int times) {
    for (int i = 0; i < times; i++) {
      b.acquire().done(DOWN);
    }
  }

  private static ReachException refused(DependencyBreaker b) {
    ReachException e = catchThrowableOfType(ReachException.class, b::acquire);
    assertThat(e).as("refused").isNotNull();
    return e;
  }

  private void awaitTransitions(int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> transitions.size() >= n);
  }

  @Test
  void stateTransitionOccurs() {
    DependencyBreaker b = breaker(5, 2, 60_000);

    // failures in a row open it; an answer (even an error the dependency sent) resets the count
    fail(b, 4);
    b.acquire().done(ANSWERED);
    fail(b, 4);
    b.acquire().done(null);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    DependencyBreaker.Permit late = b.acquire(); // admitted while closed, answers after the breaker opened
    fail(b, 5);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    late.done(DOWN);
    JsonObject open = b.describe();
    assertThat(open.getInteger("failure_count")).as("the late failure is not counted").isEqualTo(5);
    assertThat(open.getLong("opened_at_ms")).isEqualTo(clock.millis());
    assertThat(open.getInteger("failure_threshold")).isEqualTo(5);
    assertThat(open.getInteger("success_threshold")).isEqualTo(2);
    assertThat(open.getLong("reset_ms")).isEqualTo(60_000L);

    // open: refused at once with the time left as retry hint
    ReachException e = refused(b);
    assertThat(e.code()).isEqualTo(ErrorCode.ORCHESTRATOR_UNAVAILABLE);
    assertThat(e.retryAfterMs()).isEqualTo(60_000L);
    clock.advance(Duration.ofMillis(59_999));
    assertThat(refused(b).retryAfterMs()).isEqualTo(1L);

    // the first call after the reset time is a trial; two trials at most
    clock.advance(Duration.ofMillis(1));
    DependencyBreaker.Permit first = b.acquire();
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN);
    DependencyBreaker.Permit second = b.acquire();
    assertThat(refused(b).retryAfterMs()).isEqualTo(DependencyBreaker.HALF_OPEN_RETRY_MS);
    first.done(null);
    second.done(DOWN); // one failed trial opens it again
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(b.describe().getLong("times_opened")).isEqualTo(2L);

    // two successful trials in a row close it
    clock.advance(Duration.ofMillis(60_000));
    b.acquire().done(null);
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN);
    b.acquire().done(ANSWERED);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(b.describe().getValue("opened_at_ms")).isNull();
    assertThat(b.describe().getInteger("failure_count")).isZero();

    awaitTransitions(5);
    assertThat(transitions).extracting(BreakerTransition::to).containsExactly(
        BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED);
    Map<BreakerState, Set<BreakerState>> exercised = new EnumMap<>(BreakerState.class);
    transitions.forEach(t -> exercised.computeIfAbsent(t.from(), k -> EnumSet.noneOf(BreakerState.class)).add(t.to()));
    assertThat(exercised).as("every legal transition is exercised").isEqualTo(BreakerState.transitions());
  }

  @Test
  void callCountsOnlyFailuresThePolicyCounts() {
    DependencyBreaker b = breaker(2, 1, 1_000);
    b.call(() -> Future.failedFuture(ANSWERED));
    b.call(() -> Future.failedFuture(ANSWERED));
    b.call(() -> Future.succeededFuture("ok"));
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    b.call(() -> Future.failedFuture(DOWN));
    b.call(() -> {
      throw DOWN; // a command that throws fails like one that returns a failed future
    });
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    Future<String> refused = b.call(() -> Future.succeededFuture("never run"));
    assertThat(refused.failed()).isTrue();
    assertThat(((ReachException) refused.cause()).code()).isEqualTo(ErrorCode.ORCHESTRATOR_UNAVAILABLE);
  }

  @Test
  void illegalTransitionsAreRefusedByTheTable() {
    assertThat(BreakerState.transitions().get(BreakerState.CLOSED)).containsExactly(BreakerState.OPEN);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BreakerState.check(BreakerState.OPEN, BreakerState.CLOSED))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("OPEN -> CLOSED");
  }

  @Test
  void slowLogHandlerUnderLoad() throws Exception {
    DependencyBreaker b = breaker(5, 2, 60_000);
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try (BlockingLogHandler log = BlockingLogHandler.attachTo(DependencyBreaker.class.getName())) {
      // on another thread, bounded: a breaker that logged on the caller's thread would hang there
      callers.submit(() -> fail(b, 5)).get(10, TimeUnit.SECONDS);
      assertThat(log.awaitBlocked(10)).as("the OPEN log line is stuck in the handler").isTrue();

      // while the log backend is stuck: calls on other threads still complete...
      List<java.util.concurrent.Future<Integer>> load = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        load.add(callers.submit(() -> {
          int refusedCalls = 0;
          for (int i = 0; i < 2_000; i++) {
            try {
              b.acquire().done(null);
            } catch (ReachException e) {
              refusedCalls++;
            }
          }
          return refusedCalls;
        }));
      }
      for (java.util.concurrent.Future<Integer> f : load) {
        assertThat(f.get(10, TimeUnit.SECONDS)).as("every call refused while open").isEqualTo(2_000);
      }
      // ...and the breaker moves on through half-open to closed
      clock.advance(Duration.ofMillis(60_000));
      callers.submit(() -> {
        b.acquire().done(null);
        b.acquire().done(null);
      }).get(10, TimeUnit.SECONDS);
      assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
      assertThat(log.messages()).hasSize(1);

      log.release();
      await().atMost(Duration.ofSeconds(10)).until(() -> log.messages().size() == 3);
      assertThat(log.messages()).satisfiesExactly(
          m -> assertThat(m).contains("'orchestrator' CLOSED -> OPEN"),
          m -> assertThat(m).contains("'orchestrator' OPEN -> HALF_OPEN"),
          m -> assertThat(m).contains("'orchestrator' HALF_OPEN -> CLOSED"));
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void theRegistryDescribesEveryBreaker() {
    Breakers registry = new Breakers();
    DependencyBreaker b = registry.register(breaker(5, 2, 60_000));
    registry.register(b);
    assertThat(registry.describe()).hasSize(1);
    assertThat(registry.describe().getJsonObject(0).fieldNames()).containsExactlyInAnyOrder(
        "name", "state", "failure_count", "failure_threshold", "success_threshold", "reset_ms", "opened_at_ms",
        "times_opened");
    registry.unregister(b);
    assertThat(registry.describe()).isEmpty();
  }
}
