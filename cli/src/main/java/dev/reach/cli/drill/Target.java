package dev.reach.cli.drill;

/** Where a drill injects its faults. */
public enum Target {
  /** The containers of a compose project, through the Docker engine ({@code docker} on the PATH). */
  COMPOSE("compose"),
  /** Reach services running as processes on this host ({@code reachctl service ...}), through signals. */
  LOCAL("local");

  private final String label;

  Target(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Target of(String label) {
    for (Target t : values()) {
      if (t.label.equals(label)) {
        return t;
      }
    }
    throw new IllegalArgumentException(label);
  }
}
