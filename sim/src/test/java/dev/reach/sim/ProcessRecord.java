package dev.reach.sim;

/** One job process as it really ran on a simulated runner: from its spawn until it exited or was killed. */
final class ProcessRecord {
  private final String job;
  private final String attempt;
  private final String runner;
  private final long startMs;
  private long endMs = -1;
  private String how;

  ProcessRecord(String job, String attempt, String runner, long startMs) {
    this.job = job;
    this.attempt = attempt;
    this.runner = runner;
    this.startMs = startMs;
  }

  String job() {
    return job;
  }

  long startMs() {
    return startMs;
  }

  long endMs() {
    return endMs;
  }

  boolean alive() {
    return endMs < 0;
  }

  void ended(long atMs, String how) {
    if (endMs < 0) {
      endMs = atMs;
      this.how = how;
    }
  }

  /**
   * Whether the two processes ran at the same time for a moment. Intervals are half-open, an open
   * one runs on, and a process that was spawned ran for at least a moment even if it was killed
   * in the millisecond it started (the simulation's resolution).
   */
  boolean overlaps(ProcessRecord o) {
    return startMs < o.end() && o.startMs < end();
  }

  private long end() {
    return endMs < 0 ? Long.MAX_VALUE : Math.max(endMs, startMs + 1);
  }

  String describe(long seedStartMs) {
    return attempt + " on " + runner + " [" + (startMs - seedStartMs) + ", "
        + (endMs < 0 ? "running" : (endMs - seedStartMs) + " " + how) + ")";
  }
}
