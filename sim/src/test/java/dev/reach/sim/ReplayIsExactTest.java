package dev.reach.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A seed is a pure function of its number: run twice (on the same database, later in simulated
 * time, with other names in Postgres), it tells the same story line for line and ends the same way.
 */
class ReplayIsExactTest {
  @Test
  void aSeedRunTwiceTellsTheSameStory() {
    try (SimEnvironment env = new SimEnvironment()) {
      assertThat(env.uuidsSequential()).as("UUIDs in creation order (needed for ties in queue order)").isTrue();
      for (long seed = 1; seed <= 30; seed++) {
        SeedRun.Result first = new SeedRun(env, seed, Variant.FAITHFUL, SimConfig.defaults()).run();
        SeedRun.Result again = new SeedRun(env, seed, Variant.FAITHFUL, SimConfig.defaults()).run();
        List<String> a = first.world().trace().lines();
        List<String> b = again.world().trace().lines();
        assertThat(b).as("trace of seed " + seed + " replayed").containsExactlyElementsOf(a);
        assertThat(again.violations()).as("violations of seed " + seed + " replayed").isEqualTo(first.violations());
      }
    }
  }
}
