package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.job.AttemptState;
import dev.reach.shared.job.JobState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Which log to read: a job's attempt, found in the orchestrator's run view by job name, and
 * whether that attempt is still live (its state LEASED or RUNNING).
 */
record LogTarget(String jobId, int attempt, boolean live) {

  /** {@code 410 PURGED} when retention has purged the run's logs and artifacts. */
  static void requireNotPurged(JsonObject run) {
    if (run.getValue("purged_at") instanceof String at) {
      throw new ReachException(ErrorCode.PURGED, "the logs and artifacts of this run were purged by retention at " + at
          + " (REACH_RETENTION_MS); the run, its jobs, attempts and events are kept");
    }
  }

  /** The named job of {@code run}, or {@code JOB_NOT_FOUND}. */
  static JsonObject job(JsonObject run, String jobName) {
    if (!(run.getValue("jobs") instanceof JsonArray jobs)) {
      throw malformed();
    }
    for (Object j : jobs) {
      if (j instanceof JsonObject job && jobName.equals(job.getValue("name"))) {
        return job;
      }
    }
    throw new ReachException(ErrorCode.JOB_NOT_FOUND, "the run has no job named '" + clip(jobName) + "'");
  }

  /**
   * The requested attempt ({@code ATTEMPT_NOT_FOUND} when it does not exist), or without a request
   * the latest one; null when no attempt was requested and the job was never leased.
   */
  static LogTarget select(JsonObject job, Integer requested) {
    String jobId = job.getValue("id") instanceof String s && !s.isEmpty() ? s : null;
    if (jobId == null) {
      throw malformed();
    }
    int number;
    if (requested != null) {
      if (attemptEntry(job, requested) == null) {
        throw new ReachException(ErrorCode.ATTEMPT_NOT_FOUND, "the job has no attempt " + requested);
      }
      number = requested;
    } else {
      number = job.getValue("attempt") instanceof Number n ? n.intValue() : 0;
      if (number <= 0) {
        return null;
      }
    }
    return new LogTarget(jobId, number, isLive(job, number));
  }

  /** A never-leased job that can no longer be leased (cancelled or failed while queued). */
  static boolean finishedWithoutAttempt(JsonObject job) {
    return jobState(job) != null && jobState(job).isTerminal();
  }

  /** Whether attempt {@code number} of {@code job} still holds its lease. */
  static boolean isLive(JsonObject job, int number) {
    JsonObject entry = attemptEntry(job, number);
    if (entry == null) {
      // Not listed (yet): judge by the job, which is leased only by its latest attempt.
      JobState state = jobState(job);
      return state != null && state.isLeased() && job.getValue("attempt") instanceof Number n && n.intValue() == number;
    }
    Object state = entry.getValue("state");
    return AttemptState.LEASED.name().equals(state) || AttemptState.RUNNING.name().equals(state);
  }

  private static JsonObject attemptEntry(JsonObject job, int number) {
    if (job.getValue("attempts") instanceof JsonArray attempts) {
      for (Object a : attempts) {
        if (a instanceof JsonObject entry && entry.getValue("number") instanceof Number n && n.intValue() == number) {
          return entry;
        }
      }
    }
    return null;
  }

  private static JobState jobState(JsonObject job) {
    try {
      return job.getValue("state") instanceof String s ? JobState.valueOf(s) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String clip(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }

  private static ReachException malformed() {
    return new ReachException(ErrorCode.INTERNAL, "malformed run view from the orchestrator");
  }
}
