package dev.reach.artifacts;

import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.file.FileSystemException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Any failure of the store as a {@link ReachException}: disk errors (full disk, I/O error) are a
 * retryable {@code ARTIFACT_STORE_UNAVAILABLE}; database failures arrive classified from {@code Db}.
 */
final class StoreErrors {
  static final long DISK_RETRY_AFTER_MS = 2_000;

  private StoreErrors() {}

  static ReachException classify(Throwable t) {
    if (t instanceof ReachException re) {
      return re;
    }
    if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof FileSystemException) {
      return new ReachException(ErrorCode.ARTIFACT_STORE_UNAVAILABLE,
          "artifact store disk error (" + t.getClass().getSimpleName() + "), retry later", null, DISK_RETRY_AFTER_MS, t);
    }
    return BusErrors.classify(t);
  }
}
