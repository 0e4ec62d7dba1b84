package dev.reach.shared.tls;

/** The development CA could not be written; the message says why (openssl missing or failing, a file in the way). */
public final class DevCaException extends RuntimeException {
  public DevCaException(String message) {
    super(message);
  }
}
