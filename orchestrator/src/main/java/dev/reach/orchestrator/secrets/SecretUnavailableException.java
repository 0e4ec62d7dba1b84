package dev.reach.orchestrator.secrets;

/** A sealed secret that cannot be opened (no key, another key, or it fails authentication). Names the secret, never a value. */
public final class SecretUnavailableException extends Exception {
  private final String secretName;

  public SecretUnavailableException(String secretName, String message) {
    super(message);
    this.secretName = secretName;
  }

  public String secretName() {
    return secretName;
  }
}
