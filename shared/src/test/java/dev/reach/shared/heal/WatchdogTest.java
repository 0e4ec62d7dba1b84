package dev.reach.shared.heal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.testing.SettableClock;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The watchdog's decisions on an injected clock: heal after two bad probes, never for a dependency
 * that is down, at most three heals an hour with a five-minute cooldown, then blocked until the window
 * frees; a manual restart while blocked needs an acknowledgement and is recorded with who and why.
 */
class WatchdogTest {
  final SettableClock clock = new SettableClock(Instant.parse("2026-11-23T10:00:00Z"));
  final Watchdog.Settings settings = new Watchdog.Settings(60_000, 1_000, 3, Duration.ofHours(1),
      Duration.ofMinutes(5), 3, Duration.ofHours(1));
  final Watchdog watchdog = new Watchdog(clock, settings);
  final List<RestartRecord> records = new ArrayList<>();

  /** A component whose probe answers what the test says, and which counts its restarts. */
  static final class Scripted implements Supervised {
    volatile Probe next = Probe.HEALTHY;
    int restarts;

    @Override
    public String name() {
      return "worker";
    }

    @Override
    public Future<Probe> probe() {
      return Future.succeededFuture(next);
    }

    @Override
    public Future<Void> restart(String reason) {
      restarts++;
      next = Probe.HEALTHY;
      return Future.succeededFuture();
    }
  }

  final Scripted worker = new Scripted();

  WatchdogTest() {
    watchdog.onRecord(records::add);
    watchdog.supervise(worker);
    watchdog.stop(); // the test drives the probes
  }

  private void failAndTickTwice() {
    worker.next = Probe.failed("boom");
    watchdog.tick().await();
    worker.next = Probe.failed("boom");
    watchdog.tick().await();
  }

  @Test
  void aComponentFailingTwiceInARowIsRestarted() {
    worker.next = Probe.failed("boom");
    watchdog.tick().await();
    assertThat(worker.restarts).as("one bad probe is not enough").isZero();
    watchdog.tick().await();
    assertThat(worker.restarts).isEqualTo(1);
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.outcome()).isEqualTo("restarted");
      assertThat(r.trigger()).isEqualTo("watchdog");
      assertThat(r.policyAfter()).isEqualTo("cooling_down");
    });
  }

  @Test
  void aComponentWaitingOnADownDependencyIsLeftToItsBreaker() {
    for (int i = 0; i < 5; i++) {
      worker.next = Probe.dependencyDown("database circuit breaker open");
      watchdog.tick().await();
    }
    assertThat(worker.restarts).isZero();
    assertThat(records).isEmpty();
  }

  @Test
  void watchdogReachesBlockedAfterTheConfiguredHealsAndRecoversAfterTheWindow() {
    failAndTickTwice();
    assertThat(worker.restarts).isEqualTo(1);

    failAndTickTwice();
    assertThat(worker.restarts).as("cooling down: 5 minutes between heals").isEqualTo(1);
    PolicyState cooling = watchdog.worstPolicy();
    assertThat(cooling.kind()).isEqualTo(PolicyState.Kind.COOLING_DOWN);
    assertThat(cooling.remaining()).isEqualTo(Duration.ofMinutes(5));

    clock.advance(Duration.ofMinutes(5));
    failAndTickTwice();
    clock.advance(Duration.ofMinutes(5));
    failAndTickTwice();
    assertThat(worker.restarts).isEqualTo(3);
    assertThat(watchdog.worstPolicy().kind()).isEqualTo(PolicyState.Kind.BLOCKED);
    assertThat(watchdog.history().churnExceeded()).isTrue();

    clock.advance(Duration.ofMinutes(5));
    failAndTickTwice();
    failAndTickTwice();
    assertThat(worker.restarts).as("blocked: no fourth heal within the hour").isEqualTo(3);
    assertThat(records.stream().filter(r -> r.outcome().equals("refused_blocked")))
        .as("the refusal is recorded once, not on every probe").hasSize(1);
    assertThat(watchdog.describe().getJsonArray("components").getJsonObject(0).getJsonObject("policy")
        .getString("state")).isEqualTo("blocked");

    // the first heal (at 10:00) leaves the window at 11:00
    clock.set(Instant.parse("2026-11-23T11:00:00Z"));
    assertThat(watchdog.worstPolicy().kind()).isEqualTo(PolicyState.Kind.ALLOWED);
    failAndTickTwice();
    assertThat(worker.restarts).isEqualTo(4);
  }

  @Test
  void manualOverrideWithoutAcknowledgementIsRefusedAndWithItIsAudited() {
    for (int i = 0; i < 3; i++) {
      failAndTickTwice();
      clock.advance(Duration.ofMinutes(5));
    }
    assertThat(watchdog.worstPolicy().kind()).isEqualTo(PolicyState.Kind.BLOCKED);

    Throwable refused = catchThrowable(() -> watchdog.manualRestart("worker", "token:ops", "stuck again", false).await());
    assertThat(refused).isInstanceOf(ReachException.class);
    assertThat(((ReachException) refused).code()).isEqualTo(ErrorCode.HEAL_BLOCKED);
    assertThat(worker.restarts).isEqualTo(3);

    RestartRecord r = watchdog.manualRestart("worker", "token:ops", "stuck again", true).await();
    assertThat(worker.restarts).isEqualTo(4);
    assertThat(r.trigger()).isEqualTo("manual");
    assertThat(r.by()).isEqualTo("token:ops");
    assertThat(r.reason()).isEqualTo("stuck again");
    assertThat(r.override()).isTrue();
    assertThat(r.at()).isEqualTo(clock.instant());
    assertThat(records).anySatisfy(x -> assertThat(x.outcome()).isEqualTo("refused_blocked"));
  }

  @Test
  void theRestartHistoryIsBoundedAndSummarisesChurnInItsWindow() {
    RestartHistory history = new RestartHistory(clock, 3, Duration.ofMinutes(10), 2);
    for (int i = 0; i < 5; i++) {
      history.add(new RestartRecord(clock.instant(), "c", "watchdog", "watchdog", "r", false, "restarted", "", "allowed"));
      clock.advance(Duration.ofMinutes(4));
    }
    var summary = history.summary();
    assertThat(summary.getJsonArray("history")).hasSize(3);
    // now = start + 20 min: the restarts at +12 and +16 are inside the 10-minute window
    assertThat(summary.getInteger("restarts_in_window")).isEqualTo(2);
    assertThat(summary.getBoolean("churn_exceeded")).isTrue();
  }
}
