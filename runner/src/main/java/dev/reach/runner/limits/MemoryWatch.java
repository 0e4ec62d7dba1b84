package dev.reach.runner.limits;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Samples one job's memory every {@code intervalMs} on the given scheduler (a worker thread,
 * never an event loop) and, the first time a sample is over the limit, calls {@code overLimit}
 * once and stops sampling. Keeps the peak it saw. Tests drive it with their own scheduler or call
 * {@link #sampleNow()}.
 */
public final class MemoryWatch {
  private static final Logger LOG = Logger.getLogger(MemoryWatch.class.getName());

  /** One measurement: the bytes seen and whether they break the limit. */
  public record Sample(long bytes, boolean over) {}

  /** Measures the job (blocking). */
  @FunctionalInterface
  public interface Probe {
    Sample sample();
  }

  private final Probe probe;
  private final Runnable overLimit;
  private long peakBytes; // guarded by this
  private boolean exceeded; // guarded by this
  private boolean stopped; // guarded by this
  private ScheduledFuture<?> task; // guarded by this

  public MemoryWatch(Probe probe, Runnable overLimit) {
    this.probe = probe;
    this.overLimit = overLimit;
  }

  /** Starts sampling: the first sample at once, then every {@code intervalMs}. */
  public synchronized void start(ScheduledExecutorService scheduler, long intervalMs) {
    if (!stopped && task == null) {
      task = scheduler.scheduleWithFixedDelay(this::sampleNow, 0, intervalMs, TimeUnit.MILLISECONDS);
    }
  }

  /** Takes one sample now (the scheduler's task; also the last look when the job ended). */
  public void sampleNow() {
    Sample s;
    try {
      s = probe.sample();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "memory sample failed", e);
      return;
    }
    boolean fire;
    synchronized (this) {
      peakBytes = Math.max(peakBytes, s.bytes());
      fire = s.over() && !exceeded && !stopped;
      if (s.over()) {
        exceeded = true;
      }
    }
    if (fire) {
      cancel();
      overLimit.run();
    }
  }

  /** Stops sampling (the job ended). Idempotent. */
  public synchronized void stop() {
    stopped = true;
    cancel();
  }

  private synchronized void cancel() {
    if (task != null) {
      task.cancel(false);
    }
  }

  public synchronized long peakBytes() {
    return peakBytes;
  }

  /** Whether any sample was over the limit (also one taken after {@link #stop()}). */
  public synchronized boolean exceeded() {
    return exceeded;
  }
}
