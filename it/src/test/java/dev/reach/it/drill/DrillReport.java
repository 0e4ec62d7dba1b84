package dev.reach.it.drill;

import java.util.LinkedHashMap;
import java.util.Map;

/** Prints a drill's figures as one line, {@code DRILL name: key=value ...}, for the build log. */
final class DrillReport {
  private final String name;
  private final long startedAt = System.currentTimeMillis();
  private final Map<String, Object> figures = new LinkedHashMap<>();

  DrillReport(String name) {
    this.name = name;
  }

  DrillReport put(String key, Object value) {
    figures.put(key, value);
    return this;
  }

  DrillReport putAll(Map<String, Object> more) {
    figures.putAll(more);
    return this;
  }

  void print() {
    StringBuilder sb = new StringBuilder("DRILL ").append(name).append(':');
    figures.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    sb.append(" wall_ms=").append(System.currentTimeMillis() - startedAt);
    System.out.println(sb);
  }
}
