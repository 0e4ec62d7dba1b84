package dev.reach.runner.state;

import java.util.List;

/**
 * What a start-up sweep did with the records of earlier incarnations: the process groups it
 * killed (their leader's start time matched the record), the records whose process was already
 * gone or whose pid now belongs to another process ({@code staleRecords}), and the killed groups
 * it could not confirm gone within its bound (their records are kept for the next sweep).
 */
public record SweepResult(List<Long> killedGroups, int staleRecords, List<Long> unconfirmed) {
  public SweepResult {
    killedGroups = List.copyOf(killedGroups);
    unconfirmed = List.copyOf(unconfirmed);
  }

  public static SweepResult nothing() {
    return new SweepResult(List.of(), 0, List.of());
  }

  public String describe() {
    return "killed " + killedGroups.size() + " leftover process group(s) " + killedGroups + ", " + staleRecords
        + " stale record(s)" + (unconfirmed.isEmpty() ? "" : ", NOT confirmed gone: " + unconfirmed);
  }
}
