package dev.reach.cli;

import io.vertx.core.json.JsonObject;

/**
 * Errors of a command run with {@code --json}: one line on stderr in the shape of the API's error
 * contract, {@code {"error": {"code", "message", "field"?, "retryable", ...}}}, with the exit code
 * added ({@code exit_code}). An error answer of the API keeps its code, message, field and retryable
 * and adds its HTTP {@code status}; the CLI's own errors have the codes below; an unreachable hub adds
 * its {@code url}.
 */
public final class ErrorJson {
  /** Bad usage: an unknown option, a missing parameter, an invalid value or {@code REACH_*} variable (exit 2). */
  public static final String USAGE = "USAGE";
  /** The hub could not be reached: refused, unknown host, TLS failure, no answer in time (exit 3). */
  public static final String UNREACHABLE = "UNREACHABLE";
  /** A failure of the command itself (a failed start, a broken-off stream, a failed check; exit 1). */
  public static final String FAILED = "FAILED";

  private ErrorJson() {}

  static String codeFor(int exitCode) {
    return switch (exitCode) {
      case ExitCodes.USAGE -> USAGE;
      case ExitCodes.UNREACHABLE -> UNREACHABLE;
      default -> FAILED;
    };
  }

  /** {@code {"code", "message", "retryable": false, "exit_code"}}. */
  static JsonObject error(String code, String message, int exitCode) {
    return new JsonObject().put("code", code).put("message", message).put("retryable", false).put("exit_code", exitCode);
  }

  /** The line printed on stderr: {@code {"error": error}}. */
  static String line(JsonObject error) {
    return new JsonObject().put("error", error).encode();
  }
}
