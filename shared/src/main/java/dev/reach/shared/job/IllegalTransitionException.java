package dev.reach.shared.job;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;

/** A move the transition table does not allow. */
public final class IllegalTransitionException extends ReachException {
  private final JobState from;
  private final JobState to;

  public IllegalTransitionException(JobState from, JobState to) {
    super(ErrorCode.ILLEGAL_TRANSITION, "illegal job transition " + from + " -> " + to);
    this.from = from;
    this.to = to;
  }

  public JobState from() {
    return from;
  }

  public JobState to() {
    return to;
  }
}
