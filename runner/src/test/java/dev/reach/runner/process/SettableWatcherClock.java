package dev.reach.runner.process;

/** A {@link WatcherClock} that moves only when the test says so. */
final class SettableWatcherClock implements WatcherClock {
  private volatile long now;

  SettableWatcherClock(long startCentis) {
    this.now = startCentis;
  }

  void advance(long centis) {
    now += centis;
  }

  @Override
  public long nowCentis() {
    return now;
  }
}
