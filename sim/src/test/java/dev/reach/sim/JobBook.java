package dev.reach.sim;

import dev.reach.shared.bus.Lease;
import dev.reach.shared.job.JobState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What one seed knows about its jobs: the planned runs, which runs the orchestrators created,
 * which job and attempt each lease token is, the job states the stores reported, the completions
 * they accepted, and every process the simulated runners ran. The invariants are checked against
 * this and against Postgres.
 */
final class JobBook {
  private final Plan plan;
  private final Map<Integer, UUID> createdRuns = new LinkedHashMap<>();
  private final Map<Long, String> tokenLabels = new LinkedHashMap<>();
  private final Map<Long, String> tokenJob = new LinkedHashMap<>();
  private final Map<String, JobState> states = new LinkedHashMap<>();
  private final Set<Long> accepted = new LinkedHashSet<>();
  private final List<ProcessRecord> processes = new ArrayList<>();

  JobBook(Plan plan) {
    this.plan = plan;
  }

  /** The orchestrator committed run {@code runIndex} (the first time; a repeat returns the same id). */
  void runCreated(int runIndex, UUID runId) {
    UUID before = createdRuns.putIfAbsent(runIndex, runId);
    if (before != null && !before.equals(runId)) {
      throw new IllegalStateException("run " + runIndex + " created twice: " + before + " and " + runId);
    }
    for (Plan.JobPlan j : plan.runs().get(runIndex).jobs()) {
      states.putIfAbsent(j.name(), JobState.QUEUED);
    }
  }

  Map<Integer, UUID> createdRuns() {
    return createdRuns;
  }

  void leased(Lease lease) {
    tokenLabels.put(lease.token(), lease.jobName() + "#" + lease.attempt());
    tokenJob.put(lease.token(), lease.jobName());
    state(lease.jobName(), JobState.LEASED);
  }

  /** A token as {@code job#attempt} (stable across replays, unlike the number). */
  String label(long token) {
    String l = tokenLabels.get(token);
    return l == null ? "token?" : l;
  }

  String jobOf(long token) {
    return tokenJob.get(token);
  }

  void state(String jobName, JobState state) {
    if (jobName != null && state != null) {
      states.put(jobName, state);
    }
  }

  void accepted(long token) {
    accepted.add(token);
  }

  Set<Long> acceptedTokens() {
    return accepted;
  }

  /** Every job of every planned run was created and is terminal, as far as the stores said. */
  boolean allTerminal() {
    if (createdRuns.size() < plan.runs().size()) {
      return false;
    }
    for (JobState s : states.values()) {
      if (!s.isTerminal()) {
        return false;
      }
    }
    return true;
  }

  ProcessRecord spawned(String jobName, long token, String runner, long atMs) {
    ProcessRecord p = new ProcessRecord(jobName, label(token), runner, atMs);
    processes.add(p);
    return p;
  }

  List<ProcessRecord> processes() {
    return processes;
  }

  boolean anyProcessAlive() {
    for (ProcessRecord p : processes) {
      if (p.alive()) {
        return true;
      }
    }
    return false;
  }
}
