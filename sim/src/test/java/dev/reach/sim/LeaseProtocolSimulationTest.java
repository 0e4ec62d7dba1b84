package dev.reach.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, proof 1: the lease protocol — the real claim, heartbeat, start, complete, restart-expiry,
 * reaper, grace, election and outage-extension code on a real Postgres — under seeded schedules of
 * message loss, duplication and delay, runner and orchestrator freezes and kills, partitions,
 * database outages and leader changes, on a simulated clock (no real time passes). Every seed must
 * keep the promise ({@link Invariants}).
 *
 * <p>{@code -Dsim.seed=N} replays one seed and prints its trace; {@code -Dsim.seeds=N} sets how
 * many run (10,000 by default), {@code -Dsim.firstSeed=N} where they start, {@code -Dsim.workers=N}
 * on how many threads (2 by default; each has its own database and runs its seeds one by one).
 */
class LeaseProtocolSimulationTest {
  @Test
  void everySeedKeepsThePromise() {
    SeedRange range = SeedRange.fromSystemProperties(10_000);
    int workers = range.single() ? 1 : Integer.getInteger("sim.workers", 2);
    long t0 = System.nanoTime();
    SeedBatch batch;
    if (range.single()) {
      try (SimEnvironment env = new SimEnvironment()) {
        batch = new SeedBatch(env, Variant.FAITHFUL, SimConfig.defaults());
        System.out.println(SeedBatch.report(batch.runOne(range.first()))); // a replayed seed always tells its story
      }
    } else {
      List<SeedBatch> parts = ParallelSeeds.run(range, workers, Variant.FAITHFUL, SimConfig.defaults(), 20);
      batch = parts.get(0);
      for (int i = 1; i < parts.size(); i++) {
        batch.merge(parts.get(i));
      }
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    System.out.println(batch.summary("lease-protocol simulation, seeds " + range.first() + ".."
        + (range.first() + range.count() - 1) + " on " + workers + " worker(s)", wall));
    StringBuilder failing = new StringBuilder();
    batch.failures().forEach(r -> failing.append(r.seed()).append(' '));
    String first = batch.failures().isEmpty() ? "" : SeedBatch.report(batch.failures().get(0));
    if (!range.single() && batch.failed() > 0) {
      System.out.println(first);
    }
    assertThat(batch.failed())
        .as(batch.failed() + " seed(s) broke the promise (first ones: " + failing.toString().trim() + ")\n" + first)
        .isZero();
    assertThat(batch.seeds()).isEqualTo(range.count());
  }
}
