package dev.reach.sim;

/** Which seeds to run: {@code -Dsim.seed=N} alone, else {@code -Dsim.seeds} of them from {@code -Dsim.firstSeed}. */
record SeedRange(long first, long count) {
  static SeedRange fromSystemProperties(long defaultCount) {
    String one = System.getProperty("sim.seed", "").trim();
    if (!one.isEmpty()) {
      return new SeedRange(Long.parseLong(one), 1);
    }
    String first = System.getProperty("sim.firstSeed", "").trim();
    String count = System.getProperty("sim.seeds", "").trim();
    return new SeedRange(first.isEmpty() ? 1 : Long.parseLong(first), count.isEmpty() ? defaultCount : Long.parseLong(count));
  }

  boolean single() {
    return count == 1;
  }
}
