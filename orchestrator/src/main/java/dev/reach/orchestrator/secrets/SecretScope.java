package dev.reach.orchestrator.secrets;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * What a sealed value belongs to — one run or one environment — and so the associated data it is
 * sealed with: a ciphertext copied to another run, environment or name fails authentication.
 */
public record SecretScope(String kind, String owner) {
  public static SecretScope run(UUID runId) {
    return new SecretScope("run", runId.toString());
  }

  public static SecretScope environment(String environment) {
    return new SecretScope("environment", environment);
  }

  byte[] associatedData(String name) {
    return ("reach-secret-v1\n" + kind + "\n" + owner + "\n" + name).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return kind + " " + owner;
  }
}
