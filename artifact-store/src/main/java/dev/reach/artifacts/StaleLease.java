package dev.reach.artifacts;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;

/**
 * The refusal of a write for an attempt that is no longer current: {@code 409 STALE_LEASE} naming
 * the job, the attempt and the writer's token (never the current one). Nothing was written.
 */
final class StaleLease {
  private StaleLease() {}

  static ReachException of(LogKey key, long token, String why) {
    return new ReachException(ErrorCode.STALE_LEASE, "lease token " + token + " of job " + key.jobId() + " attempt "
        + key.attempt() + " is not current (" + why + "); nothing was written");
  }

  /** Refused by a fenced statement, which does not say why. */
  static ReachException of(LogKey key, long token) {
    return of(key, token, "the attempt is no longer LEASED or RUNNING with this token");
  }
}
