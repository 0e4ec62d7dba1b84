package dev.reach.runner.process;

/** A {@link WatcherClock} that moves only when the test says so. */
public final class SettableWatcherClock implements WatcherClock {
  private volatile long now;

  public SettableWatcherClock(long startCentis) {
    this.now = startCentis;
  }

  public void advance(long centis) {
    now += centis;
  }

  @Override
  public long nowCentis() {
    return now;
  }
}
