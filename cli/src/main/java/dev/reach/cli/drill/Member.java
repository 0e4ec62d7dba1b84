package dev.reach.cli.drill;

/**
 * One member of the cluster a fault can be injected into: its {@code name} (a compose service, or a
 * runner id / node id for local processes), its role and the {@code handle} the injector acts on (a
 * container id, a process id).
 */
public record Member(String name, Role role, String handle) {
  @Override
  public String toString() {
    return name;
  }
}
