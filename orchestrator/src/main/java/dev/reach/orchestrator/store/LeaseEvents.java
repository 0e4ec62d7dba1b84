package dev.reach.orchestrator.store;

/**
 * What {@link LeaseStore} tells about the leases it changed, for the counters behind
 * {@code /metrics} (grants, renewals, expirations). Called after the statement committed.
 */
public interface LeaseEvents {
  LeaseEvents NONE = new LeaseEvents() {};

  default void granted(int leases) {}

  default void renewed(int leases) {}

  /** {@code reason} is the end reason's wire name ({@code lease_expired}, {@code runner_restarted}). */
  default void expired(String reason, int leases) {}
}
