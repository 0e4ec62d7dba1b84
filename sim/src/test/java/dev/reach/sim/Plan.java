package dev.reach.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything a seed decides up front, drawn from {@code new Random(seed)}: the runners and their
 * slots, the runs and their jobs (attempt budgets, submission times) and the fault schedule.
 */
record Plan(long seed, int[] runnerSlots, List<RunPlan> runs, List<Fault> faults) {
  static final int ORCHESTRATORS = 2;
  static final long FAULT_WINDOW_MS = 8_000;

  record JobPlan(String name, int maxAttempts, int maxLostAttempts) {}

  record RunPlan(int index, String key, long submitAtMs, List<JobPlan> jobs) {}

  static Plan generate(long seed) {
    Random r = new Random(seed);
    int[] slots = new int[r.nextInt(5) < 3 ? 2 : 3];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = 1 + r.nextInt(2);
    }
    int totalJobs = 2 + r.nextInt(4);
    int runCount = 1 + r.nextInt(Math.min(3, totalJobs));
    List<RunPlan> runs = new ArrayList<>();
    int left = totalJobs;
    for (int i = 0; i < runCount; i++) {
      int n = i == runCount - 1 ? left : 1 + r.nextInt(left - (runCount - 1 - i));
      left -= n;
      List<JobPlan> jobs = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        jobs.add(new JobPlan("r" + i + "j" + k, r.nextInt(4) == 0 ? 2 : 1, 2 + r.nextInt(3)));
      }
      runs.add(new RunPlan(i, "run-" + i, r.nextInt(2_000), jobs));
    }
    List<Fault> faults = new ArrayList<>();
    int faultCount = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(5);
    for (int i = 0; i < faultCount; i++) {
      faults.add(fault(r, slots.length));
    }
    return new Plan(seed, slots, runs, faults);
  }

  private static Fault fault(Random r, int runners) {
    FaultKind kind = FaultKind.values()[r.nextInt(FaultKind.values().length)];
    long at = r.nextInt((int) FAULT_WINDOW_MS);
    return switch (kind) {
      case MESSAGE_LOSS, MESSAGE_DUPLICATION -> new Fault(kind, at, 1_000 + r.nextInt(5_000), -1,
          0.05 + r.nextDouble() * 0.45, 0, Set.of());
      case MESSAGE_DELAY -> new Fault(kind, at, 1_000 + r.nextInt(5_000), -1, 0, 50 + r.nextInt(2_450), Set.of());
      case RUNNER_FREEZE -> new Fault(kind, at, 300 + r.nextInt(5_700), r.nextInt(runners), 0, 0, Set.of(), r.nextBoolean());
      case RUNNER_KILL -> new Fault(kind, at, 100 + r.nextInt(3_900), r.nextInt(runners), 0, 0, Set.of());
      case ORCHESTRATOR_FREEZE -> new Fault(kind, at, 300 + r.nextInt(7_700), r.nextInt(ORCHESTRATORS), 0, 0, Set.of());
      case ORCHESTRATOR_KILL -> new Fault(kind, at, 500 + r.nextInt(3_500), r.nextInt(ORCHESTRATORS), 0, 0, Set.of());
      case PARTITION -> new Fault(kind, at, 1_000 + r.nextInt(6_000), -1, 0, 0, farSide(r, runners));
      case DATABASE_OUTAGE -> new Fault(kind, at, 500 + r.nextInt(5_500), -1, 0, 0, Set.of());
      case LEADER_LOCK_LOST -> new Fault(kind, at, 0, -1, 0, 0, Set.of());
      case LEADER_STEP_DOWN -> new Fault(kind, at, 200 + r.nextInt(1_800), -1, 0, 0, Set.of());
    };
  }

  /** A random proper subset of the nodes (at least one on each side). */
  private static Set<String> farSide(Random r, int runners) {
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < runners; i++) {
      nodes.add("r" + i);
    }
    for (int i = 0; i < ORCHESTRATORS; i++) {
      nodes.add("o" + i);
    }
    Set<String> far = new TreeSet<>();
    while (far.isEmpty() || far.size() == nodes.size()) {
      far.clear();
      for (String n : nodes) {
        if (r.nextBoolean()) {
          far.add(n);
        }
      }
    }
    return far;
  }

  int jobCount() {
    int n = 0;
    for (RunPlan run : runs) {
      n += run.jobs().size();
    }
    return n;
  }

  long faultsEndMs() {
    long end = 0;
    for (RunPlan run : runs) {
      end = Math.max(end, run.submitAtMs());
    }
    for (Fault f : faults) {
      end = Math.max(end, f.endMs() + (f.armed() ? FAULT_WINDOW_MS : 0)); // an armed fault may strike late
    }
    return end;
  }

  String describe() {
    StringBuilder b = new StringBuilder();
    b.append("  runners: ").append(runnerSlots.length).append(" (slots");
    for (int s : runnerSlots) {
      b.append(' ').append(s);
    }
    b.append("), orchestrators: ").append(ORCHESTRATORS).append('\n');
    for (RunPlan run : runs) {
      b.append("  run ").append(run.index()).append(" at ").append(run.submitAtMs()).append(" ms:");
      for (JobPlan j : run.jobs()) {
        b.append(' ').append(j.name()).append("(attempts ").append(j.maxAttempts()).append(", lost ")
            .append(j.maxLostAttempts()).append(')');
      }
      b.append('\n');
    }
    for (Fault f : faults) {
      b.append("  fault ").append(f.describe()).append('\n');
    }
    return b.toString();
  }
}
