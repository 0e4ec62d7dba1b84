package dev.reach.shared.job;

/** The state of one attempt (one lease grant). Only LEASED and RUNNING are live. */
public enum AttemptState {
  LEASED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  LOST,
  CANCELLED,
  RELEASED
}
