package dev.reach.cli.drill;

/** A drill could not go on: a fault could not be injected, the cluster is not what the drill needs. */
public final class DrillException extends RuntimeException {
  public DrillException(String message) {
    super(message);
  }

  public DrillException(String message, Throwable cause) {
    super(message, cause);
  }
}
