package dev.reach.shared.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.testing.SettableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final SettableClock clock = new SettableClock(T0);
  private final Recorder sent = new Recorder();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  /** A channel that keeps what it was given. */
  static final class Recorder implements AlertChannel {
    final List<Alert> alerts = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "recorder";
    }

    @Override
    public Future<Void> send(Alert alert) {
      alerts.add(alert);
      return Future.succeededFuture();
    }

    List<String> keys() {
      return alerts.stream().map(Alert::alert).toList();
    }
  }

  private Alerts open(Map<AlertLevel, AlertPolicy> policies) {
    AlertStore store = new AlertStore(vertx, AlertStore.fileFor(dir, "orchestrator"));
    return Alerts.open(vertx, "orchestrator", "node-1", clock, policies, store, List.of(sent)).await();
  }

  private Alerts open() {
    return open(AlertPolicy.defaults());
  }

  @Test
  void eachLevelWaitsForItsOwnThresholdOfConsecutiveFailures() {
    Alerts alerts = open();
    for (int i = 1; i <= 10; i++) {
      alerts.failure("c", AlertLevel.CRITICAL, "c down " + i);
      alerts.failure("w", AlertLevel.WARNING, "w down " + i);
      alerts.failure("i", AlertLevel.INFO, "i down " + i);
      int n = i;
      assertThat(sent.keys()).as("after %d failures", n).containsExactlyElementsOf(
          n < 3 ? List.of() : n < 5 ? List.of("c") : n < 10 ? List.of("c", "w") : List.of("c", "w", "i"));
    }
    Alert c = sent.alerts.get(0);
    assertThat(c.count()).isEqualTo(3);
    assertThat(c.message()).isEqualTo("c down 3");
    assertThat(c.firstFailureAt()).isEqualTo(T0);
    assertThat(c.service()).isEqualTo("orchestrator");
    assertThat(c.node()).isEqualTo("node-1");
  }

  @Test
  void aSuccessResetsTheConsecutiveCount() {
    Alerts alerts = open();
    alerts.failure("db", AlertLevel.CRITICAL, "down");
    alerts.failure("db", AlertLevel.CRITICAL, "down");
    alerts.success("db");
    alerts.failure("db", AlertLevel.CRITICAL, "down");
    alerts.failure("db", AlertLevel.CRITICAL, "down");
    assertThat(sent.alerts).isEmpty();
    assertThat(alerts.state("db").consecutiveFailures()).isEqualTo(2);

    alerts.failure("db", AlertLevel.CRITICAL, "down");
    assertThat(sent.keys()).containsExactly("db");
  }

  @Test
  void theCooldownSuppressesRepeatsUntilItHasPassed() {
    Alerts alerts = open();
    for (int i = 0; i < 3; i++) {
      alerts.failure("db", AlertLevel.CRITICAL, "down");
    }
    assertThat(sent.alerts).hasSize(1);

    clock.advance(Duration.ofMinutes(59));
    alerts.failure("db", AlertLevel.CRITICAL, "still down");
    // a new episode inside the cooldown is held back too: a flapping signal does not page each time
    alerts.success("db");
    for (int i = 0; i < 3; i++) {
      alerts.failure("db", AlertLevel.CRITICAL, "down again");
    }
    assertThat(sent.alerts).hasSize(1);

    clock.advance(Duration.ofMinutes(1));
    alerts.failure("db", AlertLevel.CRITICAL, "down an hour later");
    assertThat(sent.alerts).hasSize(2);
    assertThat(sent.alerts.get(1).message()).isEqualTo("down an hour later");
    assertThat(sent.alerts.get(1).count()).isEqualTo(4);
    assertThat(alerts.state("db").sentCount()).isEqualTo(2);
  }

  @Test
  void cooldownsAndThresholdsAreTheConfiguredOnes() {
    Alerts alerts = open(Map.of(
        AlertLevel.CRITICAL, new AlertPolicy(1, Duration.ofSeconds(10)),
        AlertLevel.WARNING, new AlertPolicy(2, Duration.ZERO),
        AlertLevel.INFO, AlertPolicy.DEFAULT_INFO));
    alerts.failure("c", AlertLevel.CRITICAL, "x");
    alerts.failure("c", AlertLevel.CRITICAL, "x");
    clock.advance(Duration.ofSeconds(10));
    alerts.failure("c", AlertLevel.CRITICAL, "x");
    alerts.failure("w", AlertLevel.WARNING, "x");
    alerts.failure("w", AlertLevel.WARNING, "x");
    alerts.failure("w", AlertLevel.WARNING, "x");
    assertThat(sent.keys()).containsExactly("c", "c", "w", "w");
  }

  @Test
  void anEventIsSentAtOnceButStillHonoursTheCooldown() {
    Alerts alerts = open();
    alerts.event(AlertKeys.MASS_LEASE_EXPIRY, AlertLevel.CRITICAL, "12 of 14 leases would expire");
    alerts.event(AlertKeys.MASS_LEASE_EXPIRY, AlertLevel.CRITICAL, "again");
    assertThat(sent.keys()).containsExactly(AlertKeys.MASS_LEASE_EXPIRY);
    assertThat(sent.alerts.get(0).count()).isEqualTo(3);
  }

  @Test
  void theStateSurvivesARestartOnTheSameFile() {
    Alerts first = open();
    for (int i = 0; i < 3; i++) {
      first.failure("db", AlertLevel.CRITICAL, "down");
    }
    first.failure("disk", AlertLevel.WARNING, "low");
    first.flushed().await();
    assertThat(sent.alerts).hasSize(1);

    clock.advance(Duration.ofMinutes(30));
    Alerts second = open();
    assertThat(second.state("db").consecutiveFailures()).isEqualTo(3);
    assertThat(second.state("db").lastSentAt()).isEqualTo(T0);
    assertThat(second.state("db").firstFailureAt()).isEqualTo(T0);
    assertThat(second.state("disk").consecutiveFailures()).isEqualTo(1);
    second.failure("db", AlertLevel.CRITICAL, "down after the restart");
    assertThat(sent.alerts).as("the cooldown remembered across the restart").hasSize(1);

    clock.advance(Duration.ofMinutes(30));
    second.failure("db", AlertLevel.CRITICAL, "down an hour on");
    assertThat(sent.alerts).hasSize(2);
    assertThat(sent.alerts.get(1).count()).isEqualTo(5);
    assertThat(sent.alerts.get(1).firstFailureAt()).isEqualTo(T0);
  }

  @Test
  void theFileIsWrittenWholeAndTheTemporaryFileIsGone() throws Exception {
    Alerts alerts = open();
    for (int i = 0; i < 50; i++) {
      alerts.failure("k" + (i % 5), AlertLevel.INFO, "m" + i);
    }
    alerts.flushed().await();
    Path file = AlertStore.fileFor(dir, "orchestrator");
    JsonObject saved = new JsonObject(Files.readString(file));
    assertThat(saved.getJsonObject("alerts").fieldNames()).containsExactlyInAnyOrder("k0", "k1", "k2", "k3", "k4");
    assertThat(saved.getJsonObject("alerts").getJsonObject("k4").getInteger("consecutive_failures")).isEqualTo(10);
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList()).containsExactly("alerts-orchestrator.json");
  }

  @Test
  void anUnreadableFileStartsFromNoState() throws Exception {
    Files.writeString(AlertStore.fileFor(dir, "orchestrator"), "{not json");
    Alerts alerts = open();
    assertThat(alerts.state("db")).isNull();
    alerts.failure("db", AlertLevel.CRITICAL, "down");
    alerts.flushed().await();
    assertThat(new JsonObject(Files.readString(AlertStore.fileFor(dir, "orchestrator"))).getJsonObject("alerts")
        .containsKey("db")).isTrue();
  }

  @Test
  void describeShowsPoliciesChannelsAndStates() {
    Alerts alerts = open();
    alerts.failure("db", AlertLevel.CRITICAL, "down");
    JsonObject d = alerts.describe();
    assertThat(d.getString("service")).isEqualTo("orchestrator");
    assertThat(d.getJsonArray("channels").getList()).containsExactly("recorder");
    assertThat(d.getJsonObject("policies").getJsonObject("CRITICAL").getLong("cooldown_ms")).isEqualTo(3_600_000);
    assertThat(d.getJsonObject("alerts").getJsonObject("db").getInteger("consecutive_failures")).isEqualTo(1);
    assertThat(d.getString("state_file")).endsWith("alerts-orchestrator.json");
  }
}
