package dev.reach.shared.heal;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread outside Vert.x for the watchdog's timers: a blocked event loop cannot also
 * block the timer that notices it.
 */
final class WatchdogThread {
  private static final ScheduledExecutorService EXEC = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "reach-watchdog");
    t.setDaemon(true);
    return t;
  });

  private WatchdogThread() {}

  static ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    return EXEC.schedule(task, delay, unit);
  }
}
