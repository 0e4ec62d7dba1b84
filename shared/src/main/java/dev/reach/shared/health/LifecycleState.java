package dev.reach.shared.health;

/** Where a service is in its life; only {@code HEALTHY} is ready for traffic. */
public enum LifecycleState {
  STARTING,
  HEALTHY,
  UNHEALTHY,
  DRAINING,
  STOPPED,
  CRASHING;

  public boolean ready() {
    return this == HEALTHY;
  }
}
