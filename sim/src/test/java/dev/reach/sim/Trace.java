package dev.reach.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The readable story of one seed: every scheduled fault and every protocol step, stamped with the
 * simulated time since the seed started. It names jobs, attempts ({@code job#attempt}), nodes and
 * epochs relative to the seed, never by database ids, so a replay of the seed prints the same
 * trace line for line.
 */
final class Trace {
  private final SimClock clock;
  private final long startMs;
  private final List<String> lines = new ArrayList<>();
  private long baseEpoch = -1;

  Trace(SimClock clock) {
    this.clock = clock;
    this.startMs = clock.ms();
  }

  long sinceStart() {
    return clock.ms() - startMs;
  }

  void add(String who, String what) {
    lines.add(String.format("%8d ms  %-6s %s", sinceStart(), who, what));
  }

  /** Epochs as the seed's own count: the first election the seed sees is e1. */
  String epoch(long epoch) {
    if (baseEpoch < 0) {
      baseEpoch = epoch - 1;
    }
    return "e" + (epoch - baseEpoch);
  }

  List<String> lines() {
    return lines;
  }

  String render(int maxLines) {
    StringBuilder b = new StringBuilder();
    int from = Math.max(0, lines.size() - maxLines);
    if (from > 0) {
      b.append("  ... ").append(from).append(" earlier line(s) left out ...\n");
    }
    for (int i = from; i < lines.size(); i++) {
      b.append("  ").append(lines.get(i)).append('\n');
    }
    return b.toString();
  }
}
