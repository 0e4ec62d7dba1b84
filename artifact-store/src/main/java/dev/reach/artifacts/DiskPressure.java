package dev.reach.artifacts;

import dev.reach.shared.alert.AlertKeys;
import dev.reach.shared.alert.AlertLevel;
import dev.reach.shared.alert.Alerts;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.util.logging.Logger;

/**
 * Measures the artifact directory's free space every {@link #INTERVAL_MS} (on a worker thread):
 * under {@code REACH_ARTIFACT_MIN_FREE_DISK_BYTES}, or not measurable, is one more failure of
 * {@code disk_pressure} (WARNING); enough space is its success. It only alerts: uploads are still
 * taken until the disk itself refuses them.
 */
final class DiskPressure {
  private static final Logger LOG = Logger.getLogger(DiskPressure.class.getName());
  static final long INTERVAL_MS = 10_000;

  private final Vertx vertx;
  private final StoreLayout layout;
  private final long minFreeBytes;
  private final Alerts alerts;
  private long timer = -1;
  private volatile long lastFree = -1;

  DiskPressure(Vertx vertx, StoreLayout layout, long minFreeBytes, Alerts alerts) {
    this.vertx = vertx;
    this.layout = layout;
    this.minFreeBytes = minFreeBytes;
    this.alerts = alerts;
  }

  void start(long intervalMs) {
    check();
    timer = vertx.setPeriodic(intervalMs, t -> check());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  long lastFree() {
    return lastFree;
  }

  private void check() {
    vertx.executeBlocking(() -> Files.getFileStore(layout.root()).getUsableSpace(), false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warning("cannot measure the free space of " + layout.root() + ": " + ar.cause().getMessage());
        alerts.failure(AlertKeys.DISK_PRESSURE, AlertLevel.WARNING, "free space of the artifact directory cannot be"
            + " measured: " + ar.cause().getMessage());
        return;
      }
      long free = ar.result();
      lastFree = free;
      if (minFreeBytes > 0 && free < minFreeBytes) {
        alerts.failure(AlertKeys.DISK_PRESSURE, AlertLevel.WARNING, free + " bytes free in the artifact directory, under"
            + " REACH_ARTIFACT_MIN_FREE_DISK_BYTES (" + minFreeBytes + ")");
      } else {
        alerts.success(AlertKeys.DISK_PRESSURE);
      }
    });
  }
}
