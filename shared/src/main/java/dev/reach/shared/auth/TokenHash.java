package dev.reach.shared.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one form in which Reach keeps or sends a token (API token, admin token, runner join token): the
 * lower-case hex SHA-256 of its UTF-8 bytes. Tokens are random and long, so a plain digest (not a
 * slow password hash) is enough to make a leaked table useless.
 */
public final class TokenHash {
  private TokenHash() {}

  public static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
