package dev.reach.runner.disk;

import dev.reach.runner.journal.CompletionJournal;
import dev.reach.runner.state.WorkspaceJanitor;
import dev.reach.shared.alert.AlertKeys;
import dev.reach.shared.alert.AlertLevel;
import dev.reach.shared.alert.Alerts;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches the free space of the runner's state directory (workspaces, journal). Under
 * {@code REACH_RUNNER_MIN_FREE_DISK_BYTES} the runner stops claiming (logged once per episode),
 * leftover workspaces of earlier incarnations are removed first, and the readiness check
 * {@code runner.disk} fails; when space returns claiming resumes and the journal's reserve is put
 * back. {@link #check()} blocks (file-system query): call it off the event loop.
 */
public final class DiskGuard {
  private static final Logger LOG = Logger.getLogger(DiskGuard.class.getName());

  /** The usable bytes of the state directory's file system. */
  @FunctionalInterface
  public interface FreeSpace {
    long usableBytes() throws IOException;

    static FreeSpace of(Path dir) {
      return () -> Files.getFileStore(dir).getUsableSpace();
    }
  }

  /** What a check found, compared with the one before. */
  public enum Change {
    NONE,
    BECAME_LOW,
    RECOVERED
  }

  private final long minFreeBytes;
  private final FreeSpace free;
  private final WorkspaceJanitor janitor;
  private final CompletionJournal journal;
  private final Alerts alerts;
  private volatile boolean low;
  private volatile long lastFree = -1;

  public DiskGuard(long minFreeBytes, FreeSpace free, WorkspaceJanitor janitor, CompletionJournal journal) {
    this(minFreeBytes, free, janitor, journal, Alerts.none());
  }

  /** As above; every check that finds the disk low is one more failure of {@code disk_pressure}, one that does not its success. */
  public DiskGuard(long minFreeBytes, FreeSpace free, WorkspaceJanitor janitor, CompletionJournal journal, Alerts alerts) {
    this.alerts = alerts;
    this.minFreeBytes = minFreeBytes;
    this.free = free;
    this.janitor = janitor;
    this.journal = journal;
  }

  /** Whether claiming must pause. */
  public boolean low() {
    return low;
  }

  /** Measures once and acts on a change. Blocking; not to be called concurrently with itself. */
  public Change check() {
    long bytes;
    try {
      bytes = free.usableBytes();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "cannot measure free disk space", e);
      return Change.NONE;
    }
    lastFree = bytes;
    boolean nowLow = minFreeBytes > 0 && bytes < minFreeBytes;
    if (nowLow) {
      alerts.failure(AlertKeys.DISK_PRESSURE, AlertLevel.WARNING, bytes + " bytes free in the runner's state directory,"
          + " under REACH_RUNNER_MIN_FREE_DISK_BYTES (" + minFreeBytes + "): not claiming new jobs");
    } else {
      alerts.success(AlertKeys.DISK_PRESSURE);
    }
    if (nowLow && !low) {
      low = true;
      LOG.warning("disk pressure: " + bytes + " bytes free in the state directory, under the minimum of " + minFreeBytes
          + " (REACH_RUNNER_MIN_FREE_DISK_BYTES): not claiming new jobs; removing leftover workspaces");
      int removed = janitor.removeLeftovers();
      if (removed > 0) {
        LOG.warning("disk pressure: removed " + removed + " leftover workspace(s) of earlier incarnations");
      }
      return Change.BECAME_LOW;
    }
    if (!nowLow && low) {
      low = false;
      LOG.info("disk pressure over: " + bytes + " bytes free (minimum " + minFreeBytes + "): claiming again");
      restoreReserve();
      return Change.RECOVERED;
    }
    if (!nowLow && !journal.hasReserve()) {
      restoreReserve();
    }
    return Change.NONE;
  }

  private void restoreReserve() {
    try {
      journal.ensureReserve();
    } catch (IOException e) {
      LOG.log(Level.FINE, "journal reserve not restored yet", e);
    }
  }

  /** The readiness procedure {@code runner.disk}. */
  public Handler<Promise<Status>> readiness() {
    return p -> {
      JsonObject data = new JsonObject().put("free_bytes", lastFree).put("min_free_bytes", minFreeBytes);
      p.tryComplete(low ? Status.KO(data) : Status.OK(data));
    };
  }
}
