package dev.reach.shared.job;

/**
 * The state of a job. Who moves a job in and out of each state is documented per state; the
 * legal moves themselves live in {@link Transitions} and nowhere else (the database mirrors them
 * in the {@code jobs_transition_guard} trigger).
 */
public enum JobState {
  /** Accepted at submission, or returned by the lease reaper / a lost attempt. Left by a claim or a cancel. */
  QUEUED,
  /** A runner was granted a lease (a new attempt with a fresh token). Left when the runner reports the start, completes, loses the lease or the run is cancelled. */
  LEASED,
  /** The runner reported that its process started. Left on completion, lost lease or cancel. */
  RUNNING,
  /** Terminal: the last attempt exited 0. */
  SUCCEEDED,
  /** Terminal: the job's own failures (non-zero exit, timeout) used up {@code max_attempts}. */
  FAILED,
  /** Terminal: the run was cancelled before the job finished. */
  CANCELLED,
  /** Terminal: attempts were lost to infrastructure more than {@code max_lost_attempts} allows. */
  QUARANTINED;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == QUARANTINED;
  }

  /** True while a lease is held: the job has a current token and a runner. */
  public boolean isLeased() {
    return this == LEASED || this == RUNNING;
  }
}
