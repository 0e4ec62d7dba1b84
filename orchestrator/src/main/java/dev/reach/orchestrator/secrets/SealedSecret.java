package dev.reach.orchestrator.secrets;

/** One encrypted secret value as stored: the key that sealed it, its nonce and ciphertext (with the GCM tag). */
public record SealedSecret(String name, String keyId, byte[] nonce, byte[] ciphertext) {
  @Override
  public String toString() {
    return "SealedSecret[" + name + ", key " + keyId + "]";
  }
}
