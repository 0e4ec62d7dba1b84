package dev.reach.cli;

import dev.reach.shared.logging.Redactor;
import io.vertx.core.json.JsonObject;

/** A failure that ends a command with {@link #exitCode()} and a message for stderr (no stack trace). */
public class CliException extends RuntimeException {
  private final int exitCode;

  public CliException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** The error object of {@code --json}'s stderr line ({@link ErrorJson}). */
  public JsonObject toJson() {
    return ErrorJson.error(ErrorJson.codeFor(exitCode), Redactor.redact(String.valueOf(getMessage())), exitCode);
  }
}
