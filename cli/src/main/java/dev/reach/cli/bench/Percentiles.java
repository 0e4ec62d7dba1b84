package dev.reach.cli.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of a set of latencies (milliseconds). */
final class Percentiles {
  private final double[] sorted;

  Percentiles(double[] values) {
    this.sorted = values.clone();
    Arrays.sort(sorted);
  }

  double at(double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** {@code {"p50", "p95", "p99", "max", "n"}} in milliseconds. */
  io.vertx.core.json.JsonObject toJson() {
    return new io.vertx.core.json.JsonObject().put("p50", at(50)).put("p95", at(95)).put("p99", at(99))
        .put("max", sorted.length == 0 ? null : sorted[sorted.length - 1]).put("n", sorted.length);
  }

  String summary() {
    return String.format("p50 %.1f ms / p95 %.1f ms / p99 %.1f ms (max %.1f ms, n=%d)",
        at(50), at(95), at(99), sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1], sorted.length);
  }
}
