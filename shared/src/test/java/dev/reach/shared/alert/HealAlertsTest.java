package dev.reach.shared.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.heal.Probe;
import dev.reach.shared.heal.Supervised;
import dev.reach.shared.heal.Watchdog;
import dev.reach.shared.testing.SettableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heal_blocked} of one service: raised when the watchdog leaves one of that service's
 * components unhealed because its policy is blocked, not for another service's component.
 */
class HealAlertsTest {
  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final SettableClock clock = new SettableClock(Instant.parse("2026-12-04T10:00:00Z"));
  private final AlertsTest.Recorder sent = new AlertsTest.Recorder();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  /** A component that fails whenever the test says so. */
  static final class Failing implements Supervised {
    private final String name;
    volatile Probe next = Probe.HEALTHY;

    Failing(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Future<Probe> probe() {
      return Future.succeededFuture(next);
    }

    @Override
    public Future<Void> restart(String reason) {
      next = Probe.HEALTHY;
      return Future.succeededFuture();
    }
  }

  @Test
  void aBlockedHealOfTheServicesComponentRaisesHealBlockedOnce() {
    Watchdog watchdog = new Watchdog(clock, new Watchdog.Settings(60_000, 1_000, 1, Duration.ofHours(1),
        Duration.ofMinutes(5), 3, Duration.ofHours(1)));
    Failing hub = new Failing("hub.http");
    Failing other = new Failing("orchestrator.api");
    watchdog.supervise(hub);
    watchdog.supervise(other);
    watchdog.stop(); // the test drives the probes
    Alerts alerts = Alerts.open(vertx, "hub", "node-1", clock, AlertPolicy.defaults(),
        new AlertStore(vertx, AlertStore.fileFor(dir, "hub")), List.of(sent)).await();
    HealAlerts.watch(watchdog, alerts, "hub");

    // one heal each is allowed per hour; the second failure of each is blocked
    for (int round = 0; round < 2; round++) {
      hub.next = Probe.failed("boom");
      other.next = Probe.failed("boom");
      watchdog.tick().await();
      watchdog.tick().await();
    }

    assertThat(sent.keys()).containsExactly(AlertKeys.HEAL_BLOCKED);
    assertThat(sent.alerts.get(0).message()).contains("hub.http").doesNotContain("orchestrator.api");
    assertThat(sent.alerts.get(0).level()).isEqualTo(AlertLevel.CRITICAL);
  }
}
