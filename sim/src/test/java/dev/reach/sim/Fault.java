package dev.reach.sim;

import java.util.Set;

/**
 * One scheduled fault: what, when, for how long, on which node ({@code target}: a runner or
 * orchestrator index), with which probability or extra delay (message faults) or which far side (a
 * split). An {@code armed} runner freeze strikes when the runner next sends a request (a pause with
 * the request in flight; the handler that sent it still finishes first), and lasts {@code durationMs}.
 */
record Fault(FaultKind kind, long atMs, long durationMs, int target, double p, long extraMs, Set<String> farSide,
    boolean armed) {
  Fault(FaultKind kind, long atMs, long durationMs, int target, double p, long extraMs, Set<String> farSide) {
    this(kind, atMs, durationMs, target, p, extraMs, farSide, false);
  }

  long endMs() {
    return atMs + durationMs;
  }

  String describe() {
    String what = switch (kind) {
      case MESSAGE_LOSS, MESSAGE_DUPLICATION -> String.format("p=%.2f", p);
      case MESSAGE_DELAY -> "up to +" + extraMs + " ms";
      case RUNNER_FREEZE -> "r" + target + (armed ? " (from its next request on)" : "");
      case RUNNER_KILL -> "r" + target;
      case ORCHESTRATOR_FREEZE, ORCHESTRATOR_KILL -> "o" + target;
      case PARTITION -> "far side " + farSide;
      default -> "";
    };
    return String.format("%-20s at %6d ms for %5d ms  %s", kind, atMs, durationMs, what);
  }
}
