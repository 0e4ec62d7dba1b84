package dev.reach.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Runs seeds one after another on one environment and keeps the totals and the failing seeds. */
final class SeedBatch {
  private static final int KEEP_FAILURES = 20;

  private final SimEnvironment env;
  private final Variant variant;
  private final SimConfig config;
  private final Tally total = new Tally();
  private final List<SeedRun.Result> failures = new ArrayList<>();
  private final Map<String, Long> seedsByCheck = new TreeMap<>();
  private long seeds;
  private long failed;
  private long elapsedNanos;

  SeedBatch(SimEnvironment env, Variant variant, SimConfig config) {
    this.env = env;
    this.variant = variant;
    this.config = config;
  }

  /** Runs {@code first .. first+count-1}; stops early after {@code stopAfterFailures} failing seeds. */
  SeedBatch run(long first, long count, int stopAfterFailures) {
    return runEvery(first, first + count, 1, stopAfterFailures);
  }

  /** Runs {@code first, first+step, ...} below {@code end}; stops early after {@code stopAfterFailures} failing seeds. */
  SeedBatch runEvery(long first, long end, int step, int stopAfterFailures) {
    long t0 = System.nanoTime();
    for (long seed = first; seed < end && failed < stopAfterFailures; seed += step) {
      runOne(seed);
      if (seeds % 2_500 == 0) {
        System.out.printf("  ... %s: %,d seeds done in %.1f s, %d failing so far%n", Thread.currentThread().getName(), seeds,
            (System.nanoTime() - t0) / 1e9, failed);
      }
    }
    elapsedNanos += System.nanoTime() - t0;
    return this;
  }

  /** Folds another worker's batch into this one (for the summary). */
  SeedBatch merge(SeedBatch other) {
    seeds += other.seeds;
    failed += other.failed;
    total.addAll(other.total);
    other.seedsByCheck.forEach((k, v) -> seedsByCheck.merge(k, v, Long::sum));
    for (SeedRun.Result r : other.failures) {
      if (failures.size() < KEEP_FAILURES) {
        failures.add(r);
      }
    }
    failures.sort(java.util.Comparator.comparingLong(SeedRun.Result::seed));
    elapsedNanos = Math.max(elapsedNanos, other.elapsedNanos);
    return this;
  }

  SeedRun.Result runOne(long seed) {
    SeedRun.Result r = new SeedRun(env, seed, variant, config).run();
    seeds++;
    total.addAll(r.tally());
    if (r.failed()) {
      failed++;
      r.violations().stream().map(v -> v.substring(0, v.indexOf(')') + 1)).distinct()
          .forEach(check -> seedsByCheck.merge(check, 1L, Long::sum));
      if (failures.size() < KEEP_FAILURES) {
        failures.add(r);
      }
    }
    return r;
  }

  long seeds() {
    return seeds;
  }

  /** How many seeds each check caught, by its letter ("(a)", ...). */
  long seedsCaughtBy(String check) {
    return seedsByCheck.getOrDefault(check, 0L);
  }

  long failed() {
    return failed;
  }

  List<SeedRun.Result> failures() {
    return failures;
  }

  Tally total() {
    return total;
  }

  double elapsedSeconds() {
    return elapsedNanos / 1e9;
  }

  String summary(String title) {
    return summary(title, elapsedSeconds());
  }

  String summary(String title, double wallSeconds) {
    return title + ": " + seeds + " seed(s) in " + String.format("%.1f", wallSeconds) + " s ("
        + String.format("%.1f", seeds == 0 ? 0 : wallSeconds * 1e3 / seeds) + " ms per seed), " + failed + " failing\n"
        + "  uuids in creation order (exact replay of queue ties): " + env.uuidsSequential()
        + ", long statements kept prepared: " + env.statementsCached() + "\n"
        + (seedsByCheck.isEmpty() ? "" : "  failing seeds by check: " + seedsByCheck + "\n") + total.render();
  }

  /** A failing seed, told in full: what broke, how to replay it, its plan and its trace. */
  static String report(SeedRun.Result r) {
    World w = r.world();
    StringBuilder b = new StringBuilder();
    b.append("seed ").append(r.seed()).append(r.failed() ? " broke the promise" : " kept the promise")
        .append(" (replay it alone: mvn -B -o -pl sim verify -Dsim.seed=").append(r.seed()).append(")\n");
    r.violations().forEach(v -> b.append("  ").append(v).append('\n'));
    b.append("plan of seed ").append(r.seed()).append(":\n").append(w.plan().describe());
    b.append("trace of seed ").append(r.seed()).append(" (simulated ms since its start):\n").append(w.trace().render(4_000));
    return b.toString();
  }
}
