package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.json.JsonObject;

/** The {@code reason} an operator gives for an admin action: a non-blank string of at most {@value #MAX} characters. */
final class ReasonField {
  static final int MAX = 500;

  private ReasonField() {}

  /** The reason, or null when it is absent and not {@code required}. */
  static String read(JsonObject body, boolean required, String why) {
    Object v = body.getValue("reason");
    if (v == null && !required) {
      return null;
    }
    if (!(v instanceof String reason) || reason.isBlank()) {
      throw new ReachException(ErrorCode.INVALID_REQUEST, "field 'reason' is required: " + why, "reason");
    }
    if (reason.length() > MAX) {
      throw new ReachException(ErrorCode.INVALID_REQUEST, "field 'reason' must be at most " + MAX + " characters",
          "reason");
    }
    return reason;
  }
}
