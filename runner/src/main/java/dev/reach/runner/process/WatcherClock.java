package dev.reach.runner.process;

/**
 * The clock the runner and its watcher processes share: centiseconds of {@code /proc/uptime}
 * (monotonic, the same for every process on the host). Lease deadlines handed to a watcher are
 * absolute values of this clock, so a delay in delivering them can only make a watcher stop a job
 * earlier, never later.
 */
public interface WatcherClock {
  long nowCentis();
}
