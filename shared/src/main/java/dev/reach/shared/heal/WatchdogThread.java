package dev.reach.shared.heal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread outside Vert.x for the watchdog's timers: a blocked event loop cannot also
 * block the timer that notices it. The thread exists only while there is something to time: it
 * ends a second after the last task (no watchdog ticking, no probe pending).
 */
final class WatchdogThread {
  private static final ScheduledExecutorService EXEC = executor();

  private static ScheduledExecutorService executor() {
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(0, r -> {
      Thread t = new Thread(r, "reach-watchdog");
      t.setDaemon(true);
      return t;
    });
    e.setKeepAliveTime(1, TimeUnit.SECONDS);
    e.setRemoveOnCancelPolicy(true);
    return e;
  }

  private WatchdogThread() {}

  static ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    return EXEC.schedule(task, delay, unit);
  }
}
