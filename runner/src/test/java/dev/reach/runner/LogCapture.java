package dev.reach.runner;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what one java.util.logging logger says while a test runs. */
final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger;
  final List<LogRecord> records = new CopyOnWriteArrayList<>();

  LogCapture(Class<?> source) {
    this.logger = Logger.getLogger(source.getName());
    setLevel(Level.ALL);
    logger.addHandler(this);
  }

  boolean has(Level level, String fragment) {
    return records.stream().anyMatch(r -> r.getLevel().equals(level) && r.getMessage().contains(fragment));
  }

  @Override
  public void publish(LogRecord r) {
    records.add(r);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
