package dev.reach.shared.job;

/**
 * A run's state, derived from its jobs (never stored): QUEUED while no job has started, RUNNING
 * while a job is unfinished, then SUCCEEDED when every job succeeded, CANCELLED when the run was
 * cancelled, else FAILED. The SQL view {@code run_states} computes the same rule.
 */
public enum RunState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED
}
