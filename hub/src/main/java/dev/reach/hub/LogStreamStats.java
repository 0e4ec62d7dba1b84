package dev.reach.hub;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of the hub's log streams: how many are under way, and how often one waited for a slow reader. */
final class LogStreamStats {
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicLong slowReaderWaits = new AtomicLong();

  void opened() {
    active.incrementAndGet();
  }

  void closed() {
    active.decrementAndGet();
  }

  /** A stream stopped reading until its response drained. */
  void waitedForSlowReader() {
    slowReaderWaits.incrementAndGet();
  }

  int active() {
    return active.get();
  }

  long slowReaderWaits() {
    return slowReaderWaits.get();
  }
}
