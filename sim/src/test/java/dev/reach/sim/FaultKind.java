package dev.reach.sim;

/** The faults a seed's schedule may inject. */
enum FaultKind {
  MESSAGE_LOSS,
  MESSAGE_DUPLICATION,
  MESSAGE_DELAY,
  RUNNER_FREEZE,
  RUNNER_KILL,
  ORCHESTRATOR_FREEZE,
  ORCHESTRATOR_KILL,
  PARTITION,
  DATABASE_OUTAGE,
  /** The cluster drops the leader lock (member removed) while its holder still believes it leads. */
  LEADER_LOCK_LOST,
  /** The lock holder stops in order (steps down, releases the lock) and starts again. */
  LEADER_STEP_DOWN
}
