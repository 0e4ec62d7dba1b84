package dev.reach.runner.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link WatcherClock} from {@code /proc/uptime}, read once and advanced with
 * {@link System#nanoTime()} (both are monotonic and tick at the same rate on a running host).
 * {@code /proc/uptime} truncates to the centisecond, so this clock runs at most 1 cs behind: a
 * deadline computed from it is never later than intended.
 */
public final class UptimeClock implements WatcherClock {
  private final long baseCentis;
  private final long baseNanos;

  public UptimeClock() {
    try {
      long nanosBefore = System.nanoTime();
      String text = Files.readString(Path.of("/proc/uptime")).trim();
      String up = text.substring(0, text.indexOf(' '));
      this.baseNanos = nanosBefore;
      this.baseCentis = Long.parseLong(up.replace(".", ""));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/uptime (the job watcher needs Linux)", e);
    }
  }

  @Override
  public long nowCentis() {
    return baseCentis + (System.nanoTime() - baseNanos) / 10_000_000L;
  }
}
