package dev.reach.shared.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.testing.SettableClock;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Breakers across a restart, on an injected clock: what one breaker saved, a new one attached to the
 * same file takes up — open since the same time (failing fast for the rest of the reset time, then a
 * single trial), or closed with its failure count — and an unreadable file starts every breaker closed.
 */
class BreakerStateFileTest {
  private static final BreakerSettings SETTINGS = new BreakerSettings(3, 1, 60_000);
  private final SettableClock clock = new SettableClock(Instant.parse("2026-12-05T09:00:00Z"));

  @TempDir
  Path dir;

  /** Lets every save posted so far finish (posts run in order) before the directory is removed. */
  @AfterEach
  void drainSaves() throws Exception {
    CompletableFuture<Void> drained = new CompletableFuture<>();
    BreakerEvents.post(() -> drained.complete(null));
    drained.get(10, TimeUnit.SECONDS);
  }

  private DependencyBreaker breaker(String name) {
    return new DependencyBreaker(name, SETTINGS, clock, ErrorCode.ORCHESTRATOR_UNAVAILABLE, t -> true);
  }

  private static void fail(DependencyBreaker b, int times) {
    for (int i = 0; i < times; i++) {
      b.acquire().done(new RuntimeException("no answer"));
    }
  }

  private BreakerStateFile file() {
    return new BreakerStateFile(BreakerStateFile.fileFor(dir, "hub"));
  }

  private void awaitSaved(String name, String state, int failures) {
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      BreakerSnapshot s = file().load().get(name);
      return s != null && s.state().name().equals(state) && s.failures() == failures;
    });
  }

  @Test
  void anOpenBreakerComesBackOpenSinceTheSameTimeAndFailsFastForTheRestOfItsResetTime() {
    DependencyBreaker before = breaker("hub:orchestrator");
    DependencyBreaker other = breaker("hub:artifact-store");
    file().attach(List.of(before, other));
    fail(before, 3);
    assertThat(before.state()).isEqualTo(BreakerState.OPEN);
    long openedAt = clock.millis();
    awaitSaved("hub:orchestrator", "OPEN", 3);

    clock.advance(Duration.ofSeconds(20)); // the restart took 20 s
    DependencyBreaker after = breaker("hub:orchestrator");
    DependencyBreaker otherAfter = breaker("hub:artifact-store");
    file().attach(List.of(after, otherAfter));

    assertThat(after.state()).isEqualTo(BreakerState.OPEN);
    assertThat(after.describe().getLong("opened_at_ms")).isEqualTo(openedAt);
    assertThat(after.describe().getLong("times_opened")).isEqualTo(1);
    assertThat(otherAfter.state()).isEqualTo(BreakerState.CLOSED);
    assertThatThrownBy(after::acquire).isInstanceOfSatisfying(ReachException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.ORCHESTRATOR_UNAVAILABLE);
      assertThat(e.retryAfterMs()).isEqualTo(40_000);
    });

    clock.advance(Duration.ofSeconds(40));
    DependencyBreaker.Permit trial = after.acquire();
    assertThat(after.state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThatThrownBy(after::acquire).as("one trial at a time").isInstanceOf(ReachException.class);
    trial.done(null);
    assertThat(after.state()).isEqualTo(BreakerState.CLOSED);
    awaitSaved("hub:orchestrator", "CLOSED", 0);
  }

  @Test
  void aClosedBreakerKeepsItsFailureCount() {
    DependencyBreaker before = breaker("hub:orchestrator");
    file().attach(List.of(before));
    fail(before, 2);
    awaitSaved("hub:orchestrator", "CLOSED", 2);

    DependencyBreaker after = breaker("hub:orchestrator");
    file().attach(List.of(after));
    assertThat(after.describe().getInteger("failure_count")).isEqualTo(2);
    fail(after, 1);
    assertThat(after.state()).as("one more failure reaches the threshold of 3").isEqualTo(BreakerState.OPEN);
  }

  @Test
  void aBreakerOpenLongerThanItsResetTimeStartsWithASingleTrial() {
    DependencyBreaker before = breaker("hub:orchestrator");
    file().attach(List.of(before));
    fail(before, 3);
    awaitSaved("hub:orchestrator", "OPEN", 3);

    clock.advance(Duration.ofHours(2));
    DependencyBreaker after = breaker("hub:orchestrator");
    file().attach(List.of(after));
    Future<String> call = after.call(() -> Future.failedFuture(new RuntimeException("still broken")));
    assertThat(call.failed()).isTrue();
    assertThat(after.state()).as("the trial failed: open again for a reset time").isEqualTo(BreakerState.OPEN);
    assertThat(after.describe().getLong("opened_at_ms")).isEqualTo(clock.millis());
  }

  @Test
  void anUnreadableFileStartsEveryBreakerClosed() throws Exception {
    Files.writeString(BreakerStateFile.fileFor(dir, "hub"), "{ not json");
    DependencyBreaker b = breaker("hub:orchestrator");
    file().attach(List.of(b));
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);

    Files.writeString(BreakerStateFile.fileFor(dir, "hub"), new JsonObject().put("breakers", new JsonObject()
        .put("hub:orchestrator", new JsonObject().put("state", "OPEN"))).encode()); // open without a time
    DependencyBreaker c = breaker("hub:orchestrator");
    file().attach(List.of(c));
    assertThat(c.state()).isEqualTo(BreakerState.CLOSED);
  }
}
