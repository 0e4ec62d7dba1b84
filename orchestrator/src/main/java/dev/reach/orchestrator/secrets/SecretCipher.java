package dev.reach.orchestrator.secrets;

import dev.reach.shared.config.SecretsConfig;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with the configured key: a fresh random 96-bit nonce per value, a 128-bit tag, and
 * associated data binding the value to its {@link SecretScope} and name. Without a configured key
 * nothing can be sealed ({@code SECRETS_NOT_CONFIGURED}) and nothing opened. Thread-safe.
 */
public final class SecretCipher {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private final SecretsConfig config;
  private final SecureRandom random = new SecureRandom();

  public SecretCipher(SecretsConfig config) {
    this.config = config == null ? SecretsConfig.NONE : config;
  }

  public boolean configured() {
    return config.configured();
  }

  /** Fails with {@code SECRETS_NOT_CONFIGURED} (naming {@code field}) when there is no key. */
  public void requireKey(String field) {
    if (!configured()) {
      throw new ReachException(ErrorCode.SECRETS_NOT_CONFIGURED,
          "this request carries secrets but no encryption key is configured (REACH_SECRETS_KEY on the orchestrator); "
              + "nothing was stored", field);
    }
  }

  public SealedSecret seal(SecretScope scope, String name, String value) {
    requireKey("secrets");
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, config.key(), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(scope.associatedData(name));
      return new SealedSecret(name, config.keyId(), nonce, c.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  public String open(SecretScope scope, SealedSecret sealed) throws SecretUnavailableException {
    if (!configured()) {
      throw new SecretUnavailableException(sealed.name(),
          "secret '" + sealed.name() + "' of " + scope + " cannot be decrypted: no key is configured (REACH_SECRETS_KEY)");
    }
    if (!config.keyId().equals(sealed.keyId())) {
      throw new SecretUnavailableException(sealed.name(), "secret '" + sealed.name() + "' of " + scope
          + " was sealed with key '" + sealed.keyId() + "', the configured key is '" + config.keyId() + "'");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, config.key(), new GCMParameterSpec(TAG_BITS, sealed.nonce()));
      c.updateAAD(scope.associatedData(sealed.name()));
      return new String(c.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new SecretUnavailableException(sealed.name(), "secret '" + sealed.name() + "' of " + scope
          + " does not decrypt with key '" + config.keyId() + "' (another key with the same id, or the value does not belong here)");
    } catch (GeneralSecurityException e) {
      throw new SecretUnavailableException(sealed.name(), "secret '" + sealed.name() + "' of " + scope
          + " cannot be decrypted: " + e.getClass().getSimpleName());
    }
  }
}
