package dev.reach.runner;

import dev.reach.runner.exec.Execution;
import dev.reach.runner.journal.JournalEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The answer on {@link dev.reach.shared.bus.Addresses#runnerLeases}: what this runner holds in memory
 * for the asked jobs (all jobs when none are named) — each execution with the lease as its watcher
 * holds it — and the completions it has buffered (journaled, not answered yet), with the runner's
 * incarnation, slots and whether it is draining. For {@code reachctl debug dump-state}.
 */
record LeaseViewAnswer(String runnerId, String incarnation, int slots, boolean draining, long nowCentis,
    Collection<Execution> held, List<JournalEntry> journal, Set<String> jobIds) {

  /** The job ids named in a request ({@code {"job_ids": [...]}}); empty: every job. */
  static Set<String> jobIds(Object body) {
    if (body instanceof JsonObject o && o.getValue("job_ids") instanceof JsonArray a) {
      return Set.copyOf(a.stream().map(String::valueOf).toList());
    }
    return Set.of();
  }

  private boolean asked(String jobId) {
    return jobIds.isEmpty() || jobIds.contains(jobId);
  }

  JsonObject toJson() {
    JsonArray executions = new JsonArray();
    held.stream().filter(e -> asked(e.lease().jobId())).forEach(e -> executions.add(e.describe(nowCentis)));
    JsonArray buffered = new JsonArray();
    journal.stream().filter(j -> asked(j.report().jobId())).forEach(j -> buffered.add(j.toJson()));
    return new JsonObject()
        .put("runner_id", runnerId)
        .put("incarnation", incarnation)
        .put("slots", slots)
        .put("draining", draining)
        .put("watcher_clock_centis", nowCentis)
        .put("held", executions)
        .put("buffered_reports", buffered);
  }
}
