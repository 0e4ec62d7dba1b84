package dev.reach.sim;

/** Which runner the simulation runs: the protocol as specified, or a deliberately broken one (to show the checks bite). */
enum Variant {
  FAITHFUL(false, false),
  /**
   * Its watchers never stop a job at the lease deadline, and nothing kills a job: not the runner
   * when told to, not the runner's death, not the next incarnation's sweep. Every process runs to its end.
   */
  IGNORES_DEADLINES_AND_KILLS(true, true);

  private final boolean ignoresDeadlines;
  private final boolean ignoresKills;

  Variant(boolean ignoresDeadlines, boolean ignoresKills) {
    this.ignoresDeadlines = ignoresDeadlines;
    this.ignoresKills = ignoresKills;
  }

  boolean ignoresDeadlines() {
    return ignoresDeadlines;
  }

  boolean ignoresKills() {
    return ignoresKills;
  }
}
