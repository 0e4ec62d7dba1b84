package dev.reach.shared.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A java.util.logging handler as slow as a test wants: every record is kept, and {@link #publish}
 * blocks until {@link #release()} — a stalled log backend (a full pipe, a slow disk). Attach with
 * {@link #attachTo}, detach with {@link #close()}.
 */
public final class BlockingLogHandler extends Handler implements AutoCloseable {
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private final CountDownLatch entered = new CountDownLatch(1);
  private Logger logger;

  public static BlockingLogHandler attachTo(String loggerName) {
    BlockingLogHandler h = new BlockingLogHandler();
    h.logger = Logger.getLogger(loggerName);
    h.logger.addHandler(h);
    return h;
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
    entered.countDown();
    try {
      released.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until some thread is blocked in {@link #publish}. */
  public boolean awaitBlocked(long seconds) throws InterruptedException {
    return entered.await(seconds, TimeUnit.SECONDS);
  }

  /** Lets every blocked and future {@link #publish} through. */
  public void release() {
    released.countDown();
  }

  /** The messages received so far, in order. */
  public List<String> messages() {
    return records.stream().map(LogRecord::getMessage).toList();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    release();
    if (logger != null) {
      logger.removeHandler(this);
    }
  }
}
