package dev.reach.orchestrator.secrets;

import io.vertx.sqlclient.Row;

/** One encrypted secret value as stored: the key that sealed it, its nonce and ciphertext (with the GCM tag). */
public record SealedSecret(String name, String keyId, byte[] nonce, byte[] ciphertext) {
  /** The one in a row of {@code name, key_id, nonce, ciphertext} (run_secrets, environment_secrets). */
  public static SealedSecret fromRow(Row r) {
    return new SealedSecret(r.getString("name"), r.getString("key_id"), r.getBuffer("nonce").getBytes(),
        r.getBuffer("ciphertext").getBytes());
  }

  @Override
  public String toString() {
    return "SealedSecret[" + name + ", key " + keyId + "]";
  }
}
