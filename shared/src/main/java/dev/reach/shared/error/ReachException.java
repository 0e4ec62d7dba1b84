package dev.reach.shared.error;

import io.vertx.core.json.JsonObject;

/**
 * The one root failure type. Carries a stable {@link ErrorCode}, a message that never contains a
 * secret value, the offending field (for validation errors) and a retry hint.
 */
public class ReachException extends RuntimeException {
  private final ErrorCode code;
  private final String field;
  private final long retryAfterMs;

  public ReachException(ErrorCode code, String message) {
    this(code, message, null, code.defaultRetryAfterMs(), null);
  }

  public ReachException(ErrorCode code, String message, String field) {
    this(code, message, field, code.defaultRetryAfterMs(), null);
  }

  public ReachException(ErrorCode code, String message, String field, long retryAfterMs, Throwable cause) {
    super(message, cause, false, cause != null);
    this.code = code;
    this.field = field;
    this.retryAfterMs = retryAfterMs;
  }

  public static ReachException invalidSpec(String field, String message) {
    return new ReachException(ErrorCode.INVALID_SPEC, message, field);
  }

  public ErrorCode code() {
    return code;
  }

  public String field() {
    return field;
  }

  public boolean retryable() {
    return code.retryable();
  }

  public long retryAfterMs() {
    return retryAfterMs;
  }

  /** The inner object of the error body: {@code {"code", "message", "field"?, "retryable", "retry_after_ms"?}}. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("code", code.name()).put("message", getMessage());
    if (field != null) {
      o.put("field", field);
    }
    o.put("retryable", code.retryable());
    if (code.retryable() && retryAfterMs >= 0) {
      o.put("retry_after_ms", retryAfterMs);
    }
    return o;
  }

  /** The full HTTP error body {@code {"error": {...}}}. */
  public JsonObject toBody() {
    return new JsonObject().put("error", toJson());
  }

  public static ReachException fromJson(JsonObject o) {
    ErrorCode code = ErrorCode.parse(o.getString("code", "INTERNAL"));
    Long retry = o.getLong("retry_after_ms");
    return new ReachException(
        code,
        o.getString("message", code.name()),
        o.getString("field"),
        retry == null ? code.defaultRetryAfterMs() : retry,
        null);
  }
}
