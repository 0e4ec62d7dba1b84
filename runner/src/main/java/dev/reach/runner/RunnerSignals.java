package dev.reach.runner;

import dev.reach.runner.ship.UploadOutcomes;
import dev.reach.shared.alert.AlertKeys;
import dev.reach.shared.alert.AlertLevel;
import dev.reach.shared.alert.Alerts;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.metrics.ReachMetrics;

/**
 * The runner's upload signals: every artifact recorded missing counts in
 * {@code reach_artifact_upload_failures_total{code}}; one missing because the store could not be
 * reached after the retries (a retryable code) is one more failure of
 * {@code artifact_uploads_failing} (WARNING), and a stored artifact is its success. A refused upload
 * (stale lease, too large) is the job's matter, not an outage: counted, not alerted.
 */
final class RunnerSignals implements UploadOutcomes {
  private final Alerts alerts;
  private final ReachMetrics metrics;

  RunnerSignals(Alerts alerts, ReachMetrics metrics) {
    this.alerts = alerts;
    this.metrics = metrics;
  }

  @Override
  public void stored(String name) {
    alerts.success(AlertKeys.ARTIFACT_UPLOADS_FAILING);
  }

  @Override
  public void missing(String name, ReachException cause, int tries) {
    metrics.counter("reach.artifact.upload.failures", "Artifacts a runner recorded missing, by error code",
        "code", cause.code().name()).increment();
    if (cause.retryable()) {
      alerts.failure(AlertKeys.ARTIFACT_UPLOADS_FAILING, AlertLevel.WARNING, "artifact " + name + " recorded missing after "
          + tries + " tries: " + cause.code() + ": " + cause.getMessage());
    }
  }
}
