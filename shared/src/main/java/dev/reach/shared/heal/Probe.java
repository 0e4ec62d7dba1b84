package dev.reach.shared.heal;

/**
 * What a look at a supervised component found. Only {@code FAILED} and {@code STUCK} are healed; a
 * component failing because a dependency is down is left to that dependency's breaker.
 */
public record Probe(Kind kind, String reason) {
  public enum Kind { HEALTHY, DEPENDENCY_DOWN, FAILED, STUCK }

  public static final Probe HEALTHY = new Probe(Kind.HEALTHY, "ok");

  public static Probe dependencyDown(String reason) {
    return new Probe(Kind.DEPENDENCY_DOWN, reason);
  }

  public static Probe failed(String reason) {
    return new Probe(Kind.FAILED, reason);
  }

  public static Probe stuck(String reason) {
    return new Probe(Kind.STUCK, reason);
  }

  public boolean needsHealing() {
    return kind == Kind.FAILED || kind == Kind.STUCK;
  }
}
