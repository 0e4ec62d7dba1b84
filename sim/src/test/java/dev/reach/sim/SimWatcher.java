package dev.reach.sim;

/**
 * A model of {@code watcher.sh}, the job's watcher outside the runner's JVM: it holds the lease
 * deadline (watcher-clock centiseconds) and kills the job at its first check at or after it. It
 * checks every 100 ms and at once when the runner hands it a new deadline. It goes on while the
 * runner is frozen; it dies, killing the job, when the runner dies. The broken variant never kills.
 */
final class SimWatcher {
  private final World world;
  private final SimExecution execution;
  private long deadlineMs;
  private long version;

  SimWatcher(World world, SimExecution execution, long deadlineCentis) {
    this.world = world;
    this.execution = execution;
    this.deadlineMs = deadlineCentis * 10;
    arm(false);
  }

  /** "d N": a new lease deadline (the watcher sets it, whatever it was). */
  void setDeadline(long deadlineCentis) {
    deadlineMs = deadlineCentis * 10;
    arm(true);
  }

  void stop() {
    version++;
  }

  private void arm(boolean checkNow) {
    long v = ++version;
    if (world.variant().ignoresDeadlines()) {
      return;
    }
    long now = world.scheduler().now();
    if (checkNow && now >= deadlineMs) {
      execution.processEnded(SimExecution.End.SELF_FENCED);
      return;
    }
    long polls = Math.max(1, (deadlineMs - now + SimConfig.WATCHER_POLL_MS - 1) / SimConfig.WATCHER_POLL_MS);
    world.scheduler().at(now + polls * SimConfig.WATCHER_POLL_MS, () -> {
      if (version == v) {
        execution.processEnded(SimExecution.End.SELF_FENCED);
      }
    });
  }
}
