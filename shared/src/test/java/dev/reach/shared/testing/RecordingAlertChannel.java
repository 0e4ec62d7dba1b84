package dev.reach.shared.testing;

import dev.reach.shared.alert.Alert;
import dev.reach.shared.alert.AlertChannel;
import dev.reach.shared.alert.AlertLevel;
import dev.reach.shared.alert.AlertPolicy;
import dev.reach.shared.alert.AlertStore;
import dev.reach.shared.alert.Alerts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An alert channel that keeps what it is sent, and alerts that send to it. */
public final class RecordingAlertChannel implements AlertChannel {
  public final List<Alert> alerts = new CopyOnWriteArrayList<>();

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public Future<Void> send(Alert alert) {
    alerts.add(alert);
    return Future.succeededFuture();
  }

  public List<String> keys() {
    return alerts.stream().map(Alert::alert).toList();
  }

  /** Alerts of {@code service} sending here only, state in {@code dir}; every level alerts at its first failure, no cooldown. */
  public Alerts alertsAtFirstFailure(Vertx vertx, Path dir, String service) {
    Map<AlertLevel, AlertPolicy> eager = new EnumMap<>(AlertLevel.class);
    for (AlertLevel l : AlertLevel.values()) {
      eager.put(l, new AlertPolicy(1, Duration.ZERO));
    }
    return Alerts.open(vertx, service, "test-node", Clock.systemUTC(), eager,
        new AlertStore(vertx, AlertStore.fileFor(dir, service)), List.of(this)).await();
  }
}
