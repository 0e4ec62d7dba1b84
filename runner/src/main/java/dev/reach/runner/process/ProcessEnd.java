package dev.reach.runner.process;

/**
 * How a job's process ended: its exit code, or the reason its watcher killed it
 * ({@code self_fenced}, {@code timeout}, {@code cancelled}, {@code interrupted}, {@code runner_gone}).
 */
public record ProcessEnd(int exitCode, String killedReason) {
  public boolean killed() {
    return killedReason != null;
  }
}
