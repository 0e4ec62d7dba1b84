package dev.reach.shared.breaker;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where breakers hand off what follows a state change — the log line and the listeners — so it
 * runs after the change is complete and on no caller's thread: a breaker posts under its lock
 * (an enqueue, which never blocks) and one daemon thread of the JVM runs the posts in order. A log
 * handler that stalls delays the log, never a call through a breaker.
 */
public final class BreakerEvents {
  private static final Logger LOG = Logger.getLogger(BreakerEvents.class.getName());
  private static final ExecutorService EXECUTOR = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
      new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "reach-breaker-events");
        t.setDaemon(true);
        return t;
      });

  private BreakerEvents() {}

  /** Runs {@code event} later, after every event posted before it. */
  public static void post(Runnable event) {
    EXECUTOR.execute(() -> {
      try {
        event.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "breaker listener failed", e);
      }
    });
  }
}
