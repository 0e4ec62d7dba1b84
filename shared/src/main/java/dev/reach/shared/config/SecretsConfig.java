package dev.reach.shared.config;

import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key run and environment secrets are encrypted with at rest (AES-256-GCM):
 * {@code REACH_SECRETS_KEY}, base64 of 32 random bytes (unset: no key, and a submission carrying
 * secrets is refused), and {@code REACH_SECRETS_KEY_ID}, stored with every value so a later key
 * rotation can tell which key sealed it. The key never appears in {@link #toString()}.
 */
public record SecretsConfig(SecretKey key, String keyId) {
  public static final String DEFAULT_KEY_ID = "k1";
  public static final SecretsConfig NONE = new SecretsConfig(null, DEFAULT_KEY_ID);

  public static SecretsConfig from(EnvReader r) {
    String keyId = r.string("REACH_SECRETS_KEY_ID", DEFAULT_KEY_ID);
    if (!keyId.matches("[A-Za-z0-9._-]{1,32}")) {
      r.problem("REACH_SECRETS_KEY_ID=" + keyId + ": must match [A-Za-z0-9._-]{1,32}");
    }
    String encoded = r.string("REACH_SECRETS_KEY", null);
    if (encoded == null) {
      return new SecretsConfig(null, keyId);
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      // the value itself is never echoed
      r.problem("REACH_SECRETS_KEY: not valid base64 (expected base64 of 32 random bytes, e.g. `openssl rand -base64 32`)");
      return new SecretsConfig(null, keyId);
    }
    if (raw.length != 32) {
      r.problem("REACH_SECRETS_KEY: decodes to " + raw.length + " bytes, must be 32 (AES-256)");
      return new SecretsConfig(null, keyId);
    }
    return new SecretsConfig(new SecretKeySpec(raw, "AES"), keyId);
  }

  public boolean configured() {
    return key != null;
  }

  @Override
  public String toString() {
    return "SecretsConfig[key=" + (key == null ? "none" : "(hidden)") + ", keyId=" + keyId + "]";
  }
}
