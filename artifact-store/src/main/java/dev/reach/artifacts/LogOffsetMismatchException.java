package dev.reach.artifacts;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;

/** A log chunk that starts past the bytes received so far; carries the size to resume from. */
final class LogOffsetMismatchException extends ReachException {
  private final long size;

  LogOffsetMismatchException(LogKey key, long offset, long size) {
    super(ErrorCode.LOG_OFFSET_MISMATCH,
        "log " + key + " has " + size + " bytes; a chunk at offset " + offset + " would leave a gap; resend from "
            + size,
        "offset");
    this.size = size;
  }

  long size() {
    return size;
  }
}
