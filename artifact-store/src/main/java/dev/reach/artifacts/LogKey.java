package dev.reach.artifacts;

import java.util.UUID;

/** One attempt's log (and artifact set): a job id and a positive attempt number. */
public record LogKey(UUID jobId, int attempt) {
  @Override
  public String toString() {
    return jobId + "/" + attempt;
  }
}
