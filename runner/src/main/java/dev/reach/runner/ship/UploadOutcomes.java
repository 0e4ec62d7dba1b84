package dev.reach.runner.ship;

import dev.reach.shared.error.ReachException;

/** What became of each artifact upload, for the runner's metrics and alerts. Called on the runner's context. */
public interface UploadOutcomes {
  UploadOutcomes NONE = new UploadOutcomes() {};

  default void stored(String name) {}

  /** Recorded missing after {@code tries} tries, for {@code cause}. */
  default void missing(String name, ReachException cause, int tries) {}
}
