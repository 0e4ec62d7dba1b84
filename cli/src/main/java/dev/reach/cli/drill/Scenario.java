package dev.reach.cli.drill;

import java.util.EnumSet;
import java.util.Set;

/** The failover drills {@code reachctl drill run} knows, what each does and where it can run. */
public enum Scenario {
  RUNNER_CRASH("runner-crash",
      "SIGKILL the runner running the most drill jobs: its attempts are lost and requeued; compose starts it again",
      EnumSet.of(Target.COMPOSE, Target.LOCAL)),
  LEADER_CRASH("leader-crash",
      "SIGKILL the leading orchestrator: another one takes over with a new epoch; compose starts it again",
      EnumSet.of(Target.COMPOSE, Target.LOCAL)),
  DB_OUTAGE("db-outage",
      "freeze the database (docker pause) for the fault time: submissions get 503, running jobs ride through",
      EnumSet.of(Target.COMPOSE)),
  ARTIFACT_STORE_OUTAGE("artifact-store-outage",
      "freeze the artifact store (docker pause; local: SIGSTOP) for the fault time while jobs ship logs and artifacts",
      EnumSet.of(Target.COMPOSE, Target.LOCAL)),
  NETWORK_PARTITION("network-partition",
      "cut the runner running the most drill jobs off the cluster network for the fault time, then reconnect it"
          + " (local: SIGSTOP/SIGCONT, the process stops answering)",
      EnumSet.of(Target.COMPOSE, Target.LOCAL)),
  ROLLING_RESTART("rolling-restart",
      "restart every Reach service one by one (SIGTERM, graceful drain), each healthy again before the next,"
          + " while runs keep being submitted",
      EnumSet.of(Target.COMPOSE)),
  POISON_PILL("poison-pill",
      "submit a job that kills the runner it runs on: it is quarantined with a dead letter, the other jobs succeed",
      EnumSet.of(Target.COMPOSE, Target.LOCAL)),
  DB_RESTORE("db-restore",
      "with jobs running, back the database up (pg_dump), destroy it (DROP DATABASE), restore the backup"
          + " (new generation, chain verified, projections rebuilt) and check every job accepted before the backup"
          + " ends terminal; needs --db-url and the PostgreSQL client tools",
      EnumSet.of(Target.LOCAL));

  private final String label;
  private final String summary;
  private final Set<Target> targets;

  Scenario(String label, String summary, Set<Target> targets) {
    this.label = label;
    this.summary = summary;
    this.targets = targets;
  }

  public String label() {
    return label;
  }

  public String summary() {
    return summary;
  }

  public Set<Target> targets() {
    return targets;
  }

  /** The scenario called {@code label}, or null. */
  public static Scenario of(String label) {
    for (Scenario s : values()) {
      if (s.label.equals(label)) {
        return s;
      }
    }
    return null;
  }
}
