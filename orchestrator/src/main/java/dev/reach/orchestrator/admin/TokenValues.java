package dev.reach.orchestrator.admin;

import java.security.SecureRandom;
import java.util.Base64;

/** New token values: {@code reach_} and 256 random bits, URL-safe base64. Shown once; only their SHA-256 is stored. */
public final class TokenValues {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenValues() {}

  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "reach_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
