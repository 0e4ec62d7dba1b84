package dev.reach.shared.bus;

/** How the orchestrator answered a completion. A stale token is a failure ({@code STALE_LEASE}), not an outcome. */
public enum CompletionOutcome {
  /** This delivery committed the attempt's end. */
  ACCEPTED,
  /** An earlier delivery of the same completion was already committed; nothing changed. */
  ALREADY_ACCEPTED
}
