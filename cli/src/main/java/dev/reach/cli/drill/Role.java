package dev.reach.cli.drill;

/** What a member of the cluster is, as a fault injector finds it (the compose label {@code dev.reach.role}). */
public enum Role {
  DATABASE("database"),
  ORCHESTRATOR("orchestrator"),
  HUB("hub"),
  ARTIFACT_STORE("artifact-store"),
  RUNNER("runner");

  private final String label;

  Role(String label) {
    this.label = label;
  }

  /** The name used in labels, the node directory's service names and reports. */
  public String label() {
    return label;
  }
}
