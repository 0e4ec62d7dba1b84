package dev.reach.shared.bus;

import dev.reach.shared.auth.TokenHash;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * A runner's join token on the event bus: every protocol message a runner sends (claim, heartbeat,
 * started, complete, restarted) carries the token's SHA-256 in the {@value #HEADER} header — the
 * token itself never crosses the bus — and the orchestrator serves only runners whose hash names a
 * live join token.
 */
public final class JoinCredential {
  public static final String HEADER = "reach-join-token-sha256";

  private final String sha256;

  private JoinCredential(String sha256) {
    this.sha256 = sha256;
  }

  /** The credential for {@code token}; null when the runner has no join token. */
  public static JoinCredential forToken(String token) {
    return token == null || token.isBlank() ? null : new JoinCredential(TokenHash.sha256(token));
  }

  /** Adds the header to {@code options} (a copy is not made: pass options owned by the caller). */
  public DeliveryOptions stamp(DeliveryOptions options) {
    return options.addHeader(HEADER, sha256);
  }

  /** The hash a message carries, or null. */
  public static String hashIn(MultiMap headers) {
    String v = headers == null ? null : headers.get(HEADER);
    return v != null && v.matches("[0-9a-f]{64}") ? v : null;
  }
}
