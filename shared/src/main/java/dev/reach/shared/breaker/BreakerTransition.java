package dev.reach.shared.breaker;

/** One state change of a breaker, as logged and handed to listeners. */
public record BreakerTransition(String breaker, BreakerState from, BreakerState to, long atMs, String reason) {
  @Override
  public String toString() {
    return "circuit breaker '" + breaker + "' " + from + " -> " + to + ": " + reason;
  }
}
