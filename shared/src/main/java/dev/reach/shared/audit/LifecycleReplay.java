package dev.reach.shared.audit;

import dev.reach.shared.job.JobState;
import dev.reach.shared.job.Transitions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * The job lifecycle replayed over events in chain order, checking what every accepted event must
 * satisfy: only moves in the shared transition table ({@link Transitions}), nothing after a
 * terminal state, no start, completion or loss accepted for a lease token other than the job's
 * current one, tokens that only grow, at most one accepted completion per attempt. Jobs whose
 * {@code run_submitted} is not in the log (an export that starts later) are not replayed.
 * Event types that move no job are passed over.
 */
public final class LifecycleReplay {
  /** What the replay knows of one job. */
  private static final class Job {
    JobState state = JobState.QUEUED;
    long token;
    int attempt;
    boolean attemptLive;
    /** The current attempt's completion was accepted (an older attempt's token is stale anyway). */
    boolean completed;
  }

  /** A broken rule: which and what. */
  public record Breach(String rule, String message) {}

  private final Map<String, Job> jobs = new HashMap<>();
  private long replayed;
  private long skipped;

  public int jobs() {
    return jobs.size();
  }

  /** Events that moved a job this replay knows. */
  public long replayed() {
    return replayed;
  }

  /** Events about jobs submitted before the log starts. */
  public long skipped() {
    return skipped;
  }

  /** Applies {@code e}; the first rule it breaks, or null. */
  public Breach apply(SealedEvent e) {
    JsonObject p = e.payload();
    switch (e.type()) {
      case "run_submitted":
        return submitted(p);
      case "job_leased":
        return withJob(e.jobId(), job -> leased(job, p));
      case "job_started":
        return withJob(e.jobId(), job -> started(job, e));
      case "attempt_completed":
        return withJob(e.jobId(), job -> completed(job, e, p));
      case "attempt_lost":
      case "attempt_released":
        return withJob(e.jobId(), job -> ended(job, e, p));
      case "run_cancelled":
        return cancelled(p);
      default:
        return null;
    }
  }

  private interface JobStep {
    Breach apply(Job job);
  }

  private Breach withJob(String jobId, JobStep step) {
    Job job = jobId == null ? null : jobs.get(jobId);
    if (job == null) {
      skipped++;
      return null;
    }
    replayed++;
    return step.apply(job);
  }

  private Breach submitted(JsonObject p) {
    JsonArray list = p.getJsonArray("jobs", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      String id = list.getJsonObject(i).getString("job_id");
      if (jobs.containsKey(id)) {
        return new Breach(Violation.LEGAL_TRANSITION, "job " + id + " submitted a second time");
      }
      jobs.put(id, new Job());
    }
    replayed++;
    return null;
  }

  private Breach leased(Job job, JsonObject p) {
    Breach b = terminal(job);
    if (b != null) {
      return b;
    }
    long token = p.getLong("token", 0L);
    if (token <= job.token) {
      return new Breach(Violation.STALE_TOKEN, "lease granted with token " + token
          + ", not above the job's previous token " + job.token + " (tokens only grow)");
    }
    b = move(job, JobState.LEASED);
    if (b != null) {
      return b;
    }
    job.token = token;
    job.attempt = p.getInteger("attempt", job.attempt + 1);
    job.attemptLive = true;
    job.completed = false;
    return null;
  }

  private Breach started(Job job, SealedEvent e) {
    Breach b = current(job, e, "start");
    return b != null ? b : move(job, JobState.RUNNING);
  }

  private Breach completed(Job job, SealedEvent e, JsonObject p) {
    long token = e.token() == null ? p.getLong("token", 0L) : e.token();
    if (token == job.token && job.completed) {
      return new Breach(Violation.ONE_COMPLETION, "a second completion accepted for attempt "
          + p.getInteger("attempt", job.attempt) + " (token " + token + ")");
    }
    Breach b = current(job, e, "completion");
    if (b != null) {
      return b;
    }
    b = moveTo(job, p);
    if (b == null) {
      job.completed = true;
      job.attemptLive = false;
    }
    return b;
  }

  private Breach ended(Job job, SealedEvent e, JsonObject p) {
    Breach b = current(job, e, e.type().replace('_', ' '));
    if (b != null) {
      return b;
    }
    b = moveTo(job, p);
    if (b == null) {
      job.attemptLive = false;
    }
    return b;
  }

  private Breach cancelled(JsonObject p) {
    JsonArray list = p.getJsonArray("jobs", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject entry = list.getJsonObject(i);
      Job job = jobs.get(entry.getString("job_id"));
      if (job == null) {
        skipped++;
        continue;
      }
      Breach b = terminal(job);
      if (b != null) {
        return b;
      }
      Long token = entry.getLong("token");
      if (token != null && token != job.token) {
        return new Breach(Violation.STALE_TOKEN, "cancellation of job " + entry.getString("job_id")
            + " names token " + token + " but the job's current token is " + job.token);
      }
      b = move(job, JobState.CANCELLED);
      if (b != null) {
        return b;
      }
      job.attemptLive = false;
    }
    replayed++;
    return null;
  }

  /** The event's token must be the job's current one, for an attempt still live, on a job not ended. */
  private static Breach current(Job job, SealedEvent e, String what) {
    long token = e.token() == null ? e.payload().getLong("token", 0L) : e.token();
    if (token != job.token) {
      return new Breach(Violation.STALE_TOKEN, what + " accepted for a stale lease token " + token
          + " (the job's current token is " + job.token + ")");
    }
    Breach b = terminal(job);
    if (b != null) {
      return b;
    }
    if (!job.attemptLive) {
      return new Breach(Violation.LEGAL_TRANSITION, what + " accepted for attempt " + job.attempt + " (token " + token
          + ") after it had ended");
    }
    return null;
  }

  private static Breach terminal(Job job) {
    return job.state.isTerminal()
        ? new Breach(Violation.AFTER_TERMINAL, "the job is already " + job.state + " (terminal); nothing may follow")
        : null;
  }

  private static Breach moveTo(Job job, JsonObject p) {
    JobState to;
    try {
      to = JobState.valueOf(p.getString("to", ""));
    } catch (IllegalArgumentException ex) {
      return new Breach(Violation.FORMAT, "payload field 'to' is not a job state: " + p.getValue("to"));
    }
    return move(job, to);
  }

  private static Breach move(Job job, JobState to) {
    Breach b = terminal(job);
    if (b != null) {
      return b;
    }
    if (!Transitions.isLegal(job.state, to)) {
      return new Breach(Violation.LEGAL_TRANSITION, "illegal transition " + job.state + " -> " + to);
    }
    job.state = to;
    return null;
  }
}
