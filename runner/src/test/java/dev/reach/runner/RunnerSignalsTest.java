package dev.reach.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.alert.AlertKeys;
import dev.reach.shared.alert.Alerts;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.metrics.ReachMetrics;
import dev.reach.shared.testing.RecordingAlertChannel;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerSignalsTest {
  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void missingArtifactsAreCountedByCodeAndOnlyAnUnreachableStoreIsAlerted() {
    RecordingAlertChannel sent = new RecordingAlertChannel();
    Alerts alerts = sent.alertsAtFirstFailure(vertx, dir, "runner");
    ReachMetrics metrics = ReachMetrics.of(vertx);
    RunnerSignals signals = new RunnerSignals(alerts, metrics);

    signals.missing("big.bin", new ReachException(ErrorCode.PAYLOAD_TOO_LARGE, "too large"), 1);
    signals.missing("late.txt", new ReachException(ErrorCode.STALE_LEASE, "not current"), 1);
    assertThat(sent.alerts).isEmpty();

    signals.missing("a.txt", new ReachException(ErrorCode.ARTIFACT_STORE_UNAVAILABLE, "unreachable"), 6);
    assertThat(sent.keys()).containsExactly(AlertKeys.ARTIFACT_UPLOADS_FAILING);
    assertThat(sent.alerts.get(0).message()).contains("a.txt", "6 tries", "ARTIFACT_STORE_UNAVAILABLE");

    signals.stored("b.txt");
    assertThat(alerts.state(AlertKeys.ARTIFACT_UPLOADS_FAILING).consecutiveFailures()).isZero();
    assertThat(metrics.scrape())
        .contains("reach_artifact_upload_failures_total{code=\"ARTIFACT_STORE_UNAVAILABLE\"} 1.0")
        .contains("reach_artifact_upload_failures_total{code=\"PAYLOAD_TOO_LARGE\"} 1.0")
        .contains("reach_artifact_upload_failures_total{code=\"STALE_LEASE\"} 1.0");
  }
}
