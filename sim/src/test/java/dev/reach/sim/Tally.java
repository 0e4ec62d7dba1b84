package dev.reach.sim;

import java.util.Map;
import java.util.TreeMap;

/** Counters over the whole run: faults injected and what the protocol did about them. */
final class Tally {
  private final Map<String, Long> counts = new TreeMap<>();

  void count(String what) {
    add(what, 1);
  }

  void add(String what, long n) {
    counts.merge(what, n, Long::sum);
  }

  long get(String what) {
    return counts.getOrDefault(what, 0L);
  }

  void addAll(Tally other) {
    other.counts.forEach(this::add);
  }

  String render() {
    StringBuilder b = new StringBuilder();
    counts.forEach((k, v) -> b.append(String.format("  %-52s %,12d%n", k, v)));
    return b.toString();
  }
}
