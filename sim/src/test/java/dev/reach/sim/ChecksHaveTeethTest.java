package dev.reach.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The checks can fail: a runner whose watchers ignore the lease deadline and which never kills a
 * job when told to (it lets every process run to its end) must be caught running two attempts of a
 * job at once — invariant (a) — in some seeds.
 */
class ChecksHaveTeethTest {
  private static final int SEEDS = 300;

  @Test
  void aRunnerThatIgnoresDeadlinesAndKillsIsCaughtByTheOverlapCheck() {
    SeedBatch batch;
    try (SimEnvironment env = new SimEnvironment()) {
      batch = new SeedBatch(env, Variant.IGNORES_DEADLINES_AND_KILLS, SimConfig.defaults()).run(1, SEEDS, Integer.MAX_VALUE);
    }
    long caught = batch.seedsCaughtBy("(a)");
    System.out.println("broken runner (ignores its watcher deadline and kills): " + caught + " of " + batch.seeds()
        + " seeds caught by check (a)");
    batch.failures().stream().filter(r -> r.violations().stream().anyMatch(v -> v.startsWith("(a)"))).findFirst()
        .ifPresent(r -> System.out.println("  for example seed " + r.seed() + ": " + r.violations().get(0)));
    assertThat(caught).as("seeds in which the overlap check caught the broken runner").isPositive();
  }
}
