package dev.reach.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The message faults in force: windows of loss, duplication and extra delay. Every message sent
 * while a window is open is subject to it.
 */
final class NetFaults {
  private record Window(FaultKind kind, long fromMs, long toMs, double p, long maxExtraMs) {}

  private final List<Window> windows = new ArrayList<>();

  void open(FaultKind kind, long fromMs, long toMs, double p, long maxExtraMs) {
    windows.add(new Window(kind, fromMs, toMs, p, maxExtraMs));
  }

  private double p(FaultKind kind, long now) {
    double q = 1;
    for (Window w : windows) {
      if (w.kind == kind && now >= w.fromMs && now < w.toMs) {
        q *= 1 - w.p;
      }
    }
    return 1 - q;
  }

  double loss(long now) {
    return p(FaultKind.MESSAGE_LOSS, now);
  }

  double duplication(long now) {
    return p(FaultKind.MESSAGE_DUPLICATION, now);
  }

  /** The largest extra delay of the delay windows open now (0 if none). */
  long maxExtraDelay(long now) {
    long max = 0;
    for (Window w : windows) {
      if (w.kind == FaultKind.MESSAGE_DELAY && now >= w.fromMs && now < w.toMs) {
        max = Math.max(max, w.maxExtraMs);
      }
    }
    return max;
  }
}
